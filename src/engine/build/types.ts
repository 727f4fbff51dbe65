// What a build is asked to do, and the port its progress goes through (each
// face draws it: the CLI as BuildKit's plain lines, the TUI in a pane).
import type { Readable } from 'node:stream';
import type { ImageRecord } from '../image/index.js';

export interface BuildOptions {
  /** A directory, or a tar stream (`build -`). */
  context: string | Readable;
  /** -f: relative to the context (or an absolute path for a directory context). */
  dockerfile?: string;
  /** The Dockerfile's text, when the face read it itself (`-f -`). */
  dockerfileText?: string;
  tags?: string[];
  /** --build-arg: NAME=VALUE, or NAME alone (its value from berth's environment). */
  buildArgs?: string[];
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  /** --label: added to the final image's config. */
  labels?: Record<string, string>;
  /** --secret: `id=ID[,src=PATH|,env=VAR]`, for RUN --mount=type=secret. */
  secrets?: string[];
  /** --ssh: `default|ID[=SOCKET]`, agent sockets for RUN --mount=type=ssh. */
  ssh?: string[];
  /** --network for RUN: default (a bridge), none or host. */
  network?: string;
  progress?: BuildProgress;
  /** Cancels the build: a running RUN's container is killed and removed, no later step starts. */
  signal?: AbortSignal;
}

export interface BuildResult {
  image: ImageRecord;
  /** Normalised tags the image got. */
  tags: string[];
}

/** One step a face shows: `[stage k/n] RUN …` style names, numbered by the builder. */
export interface BuildProgress {
  start(id: number, name: string): void;
  /** Output of a running step (RUN's stdout/stderr), as bytes with newlines. */
  output(id: number, data: Buffer): void;
  /** A cache hit: `imageId` is the image the step made before. */
  cached(id: number, imageId?: string): void;
  /** `imageId`: the image the step made (FROM: the base). */
  done(id: number, imageId?: string): void;
  error(id: number, message: string): void;
}

export const noProgress: BuildProgress = {
  start: () => undefined, output: () => undefined, cached: () => undefined, done: () => undefined, error: () => undefined,
};
