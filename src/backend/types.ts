// What the workstation needs of an engine, as one interface with two
// implementations: the embedded engine (embedded.ts: the Engine's own services,
// unwrapped) and a Docker Engine API endpoint (docker/: dockerd, podman, berth's
// own `system service`). The names and shapes are the Engine's, so the embedded
// one is the Engine itself, and every result is `Awaitable`: the engine answers
// synchronously, a socket cannot. Shapes a remote cannot fill exactly are the
// narrower `*Item` types below, which the engine's records satisfy as they are.
import type { EngineEvent } from '../engine/events/index.js';
import type { ContainerSummary, CreateOptions, ExecOptions, LogOptions, OutputStream } from '../engine/container/index.js';
import type { LogRecord } from '../engine/log/index.js';
import type { Engine, PullPolicy, StatsSample } from '../engine/index.js';
import type { Reference } from '../engine/image/index.js';

type Layout = Engine['layout'];
import type { ProgressSink, RegistryPolicy } from '../engine/registry/index.js';
import type { CreateNetworkOptions } from '../engine/network/index.js';
import type { EndpointTls } from './endpoints.js';

export type Awaitable<T> = T | Promise<T>;

/** One Docker Engine API endpoint the workstation drives (workstation-endpoints.ts lists them). */
export interface EndpointSpec {
  name: string;
  /** unix:///path, tcp://host:port[/path] or ssh://[user@]host[:port][/path]. */
  dockerHost: string;
  /** client certificates and whether the server's is checked (endpoints.ts reads them) */
  tls?: EndpointTls;
}

/** A running exec's terminal (the engine's AttachConnection, or an API's hijacked stream). */
export interface ShellConnection {
  onOutput(fn: (stream: OutputStream, data: Buffer) => void): void;
  write(data: Buffer | string): boolean;
  resize(rows: number, cols: number): void;
  close(): void;
  /** Resolves when the connection ends. */
  readonly closed: Promise<void>;
}

/** What exec returns and execAttach/execWait take (the engine's ExecRecord has more). */
export interface ExecHandle { id: string; containerId: string; tty?: boolean }

/** A terminal session's connection (the CLI's run -it, exec, attach): a ShellConnection
 * with back-pressure both ways and a half-close of stdin, as the engine's AttachConnection. */
export interface SessionConnection extends ShellConnection {
  pause(): void;
  resume(): void;
  /** Resolves when a write that returned false has been taken. */
  drained(): Promise<void>;
  closeStdin(): void;
}

/** A row of `images`: the engine's ImageRecord has more. */
export interface ImageListItem {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  created: string;
  size: number;
}

export interface ImageItem {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  config?: { Labels?: Record<string, string> | null };
}

export interface VolumeItem {
  name: string;
  driver: string;
  labels: Record<string, string>;
  anonymous: boolean;
  containers: string[];
  /** Bytes; -1 when the endpoint does not say (docker's UsageData.Size). */
  size: number;
  /** Where its files are on the engine's host. */
  mountpoint: string;
}

/** What rmi did: references untagged, and the image (and layers) deleted. */
export interface ImageRemoval { untagged: string[]; deleted: string[] }

/** The container's main process, attached (docker attach): its stream, and what it was made with. */
export interface MainAttachment {
  conn: SessionConnection;
  tty: boolean;
  /** created with -i: input reaches it */
  openStdin: boolean;
  /** Resolves with its exit code when it ends. */
  wait(): Promise<number>;
  /** Stops waiting for the exit (a start that failed, a detach): nothing is left pending. */
  release?(): void;
}

/** docker's GET /version: what the server says it is. */
export interface ServerVersion {
  Platform?: { Name: string };
  Components?: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
  Version: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  GitCommit?: string;
  GoVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  BuildTime?: string;
}

export interface NetworkItem {
  Name: string;
  Id: string;
  Driver: string;
  IPAM: { Config: Array<{ Subnet?: string; Gateway?: string }> };
  Containers: Record<string, { Name: string }>;
  Labels: Record<string, string>;
  /** What docker's network ls shows beside the above (an endpoint's list may leave them out). */
  Scope?: string;
  Created?: string;
  Internal?: boolean;
  EnableIPv6?: boolean;
}

/** What the stats model subscribes to (the engine's StatsSampler). */
export interface StatsSource {
  subscribe(id: string, listener: (s: StatsSample) => void): () => void;
  close(): void;
  /** Why a subscribed container has no samples when the engine refused them (e.g. podman
   * without cgroup v2 for a rootless user): shown instead of charts, said once. */
  unavailable?(id: string): string | undefined;
}

export interface ContainerOps {
  list(opts: { all?: boolean }): Awaitable<ContainerSummary[]>;
  /** One container as list shows it (throws when it is gone). */
  summary(ref: string): Awaitable<ContainerSummary>;
  inspect(ref: string): Awaitable<Record<string, unknown>>;
  /** ps's rows; each row's keys are the columns. */
  top(ref: string): Awaitable<readonly object[]>;
  /** docker top with ps's options (none: the engine's default columns), as ps prints them. */
  topPs(ref: string, psArgs: string[]): Awaitable<{ titles: string[]; processes: string[][] }>;
  logs(ref: string, opts: LogOptions): AsyncIterable<LogRecord>;
  create(opts: CreateOptions): Promise<{ id: string; name: string }>;
  start(ref: string): Promise<unknown>;
  stop(ref: string, opts?: { timeout?: number; signal?: string }): Promise<void>;
  restart(ref: string, opts?: { timeout?: number }): Promise<void>;
  killByUser(ref: string, signal?: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  remove(ref: string, opts: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** Until it exits: its exit code. */
  wait(ref: string): Promise<number>;
  prune(): Promise<{ deleted: string[]; reclaimed: number }>;
  exec(ref: string, opts: ExecOptions): Awaitable<ExecHandle>;
  execAttach(er: ExecHandle): Promise<SessionConnection>;
  execWait(er: ExecHandle, opts: { forget?: boolean }): Promise<number>;
  volumeUsers(): Awaitable<Map<string, string[]>>;
}

export interface Backend {
  /** Shown in the header and taken by `:engine NAME`. */
  readonly name: string;
  /** Where it is: the root directory, or the endpoint's address. */
  readonly address: string;
  readonly containers: ContainerOps;
  readonly images: {
    list(): Awaitable<ImageItem[]>;
    inspect(ref: string): Awaitable<unknown>;
  };
  readonly volumes: {
    /** Every volume with the containers that use it. */
    report(): Awaitable<VolumeItem[]>;
    get(name: string): Awaitable<unknown>;
    create(opts: { name?: string; labels?: Record<string, string>; options?: Record<string, string> }): Promise<{ Name: string }>;
  };
  readonly networks: {
    list(): Awaitable<NetworkItem[]>;
    get(ref: string): Awaitable<unknown>;
  };
  readonly registry: {
    /** `reference`: what was pulled, normalised (an endpoint does not say: the caller's parse of `ref`). */
    pull(ref: string, opts: { policy: RegistryPolicy; progress: ProgressSink; platform?: string }): Promise<{ digest: string; changed: boolean; reference?: Reference }>;
  };
  stats(): StatsSource;
  /** ps: docker's filters (KEY=VALUE), newest first, `limit` of them. */
  listContainers(opts: { all?: boolean; limit?: number; filters?: string[] }): Promise<ContainerSummary[]>;
  /** ps -s: the writable layer's bytes and the image's under it. */
  containerSize(c: ContainerSummary): Promise<{ rw: number; rootFs: number }>;
  /** images: docker's filters (KEY=VALUE); `all` shows intermediate images too. */
  listImages(opts: { filters?: string[]; all?: boolean }): Promise<ImageListItem[]>;
  /** The server's half of `version` (docker's GET /version document). */
  serverVersion(): Promise<ServerVersion>;
  /** `info`: docker's GET /info document (the embedded engine's EngineInfo, which has berth's own fields). */
  serverInfo(): Promise<Record<string, unknown>>;
  /** docker's --pull policy for run/create (default "missing"): whether `ref` must be pulled first. */
  needsPull(ref: string, policy?: PullPolicy): Promise<boolean>;
  /** Seconds a stop or restart waits for the container before its SIGKILL (its --stop-timeout). */
  stopTimeout(ref: string): Awaitable<number>;
  /** `force`: docker's rmi -f (an image in use only loses its tag). */
  removeImage(ref: string, opts?: { force?: boolean }): Promise<ImageRemoval>;
  /** `all`: docker's --all (every unused image, not only dangling ones). */
  pruneImages(opts?: { all?: boolean }): Promise<{ removed: unknown[]; reclaimed: number }>;
  removeVolume(name: string, opts?: { force?: boolean }): Promise<void>;
  /** `all`: docker's --all (named volumes too). */
  pruneVolumes(opts?: { all?: boolean }): Promise<{ deleted: string[]; reclaimed: number }>;
  createNetwork(o: CreateNetworkOptions): Promise<NetworkItem>;
  /** `force`: its endpoints are disconnected first. */
  removeNetwork(ref: string, opts?: { force?: boolean }): Promise<unknown>;
  pruneNetworks(): Promise<string[]>;
  /** Engine events from now on, until `signal` aborts; throws when the connection is lost. */
  events(signal: AbortSignal): AsyncIterable<EngineEvent>;
  /** The embedded engine's files, whose changes (images.json, volumes/) make a list stale;
   * an endpoint has none (its events say everything). */
  readonly layout?: Layout;
  /** Attaches to a container's main process; absent where the engine cannot (shown as unavailable).
   * `stdin: false`: its output only (run without -i); `removed`: wait() answers once an
   * --rm container is gone (the CLI's run --rm). */
  attachMain?(ref: string, opts?: { stdin?: boolean; removed?: boolean }): Promise<MainAttachment>;
  /** The embedded engine itself, for what only it does (build, the build cache); absent on an endpoint. */
  readonly embedded?: Engine;
  /** Ends connections and timers. */
  close(): void;
}
