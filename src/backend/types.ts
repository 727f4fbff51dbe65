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
import type { Engine, StatsSample } from '../engine/index.js';

type Layout = Engine['layout'];
import type { ProgressSink, RegistryPolicy } from '../engine/registry/index.js';
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
export interface ExecHandle { id: string; containerId: string }

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
  conn: ShellConnection & { closeStdin?(): void };
  tty: boolean;
  /** created with -i: input reaches it */
  openStdin: boolean;
  /** Resolves with its exit code when it ends. */
  wait(): Promise<number>;
}

export interface NetworkItem {
  Name: string;
  Id: string;
  Driver: string;
  IPAM: { Config: Array<{ Subnet?: string; Gateway?: string }> };
  Containers: Record<string, { Name: string }>;
  Labels: Record<string, string>;
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
  logs(ref: string, opts: LogOptions): AsyncIterable<LogRecord>;
  create(opts: CreateOptions): Promise<{ id: string; name: string }>;
  start(ref: string): Promise<unknown>;
  stop(ref: string): Promise<void>;
  restart(ref: string): Promise<void>;
  killByUser(ref: string, signal?: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  remove(ref: string, opts: { force?: boolean }): Promise<void>;
  prune(): Promise<{ deleted: string[]; reclaimed: number }>;
  exec(ref: string, opts: ExecOptions): Awaitable<ExecHandle>;
  execAttach(er: ExecHandle): Promise<ShellConnection>;
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
    create(opts: { name?: string }): Promise<{ Name: string }>;
  };
  readonly networks: {
    list(): Awaitable<NetworkItem[]>;
    get(ref: string): Awaitable<unknown>;
  };
  readonly registry: {
    pull(ref: string, opts: { policy: RegistryPolicy; progress: ProgressSink }): Promise<{ digest: string; changed: boolean }>;
  };
  stats(): StatsSource;
  needsPull(ref: string): Promise<boolean>;
  /** Seconds a stop or restart waits for the container before its SIGKILL (its --stop-timeout). */
  stopTimeout(ref: string): Awaitable<number>;
  /** `force`: docker's rmi -f (an image in use only loses its tag). */
  removeImage(ref: string, opts?: { force?: boolean }): Promise<ImageRemoval>;
  /** `all`: docker's --all (every unused image, not only dangling ones). */
  pruneImages(opts?: { all?: boolean }): Promise<{ removed: unknown[]; reclaimed: number }>;
  removeVolume(name: string, opts?: { force?: boolean }): Promise<void>;
  /** `all`: docker's --all (named volumes too). */
  pruneVolumes(opts?: { all?: boolean }): Promise<{ deleted: string[]; reclaimed: number }>;
  createNetwork(o: { name: string; subnet?: string }): Promise<NetworkItem>;
  /** `force`: its endpoints are disconnected first. */
  removeNetwork(ref: string, opts?: { force?: boolean }): Promise<unknown>;
  pruneNetworks(): Promise<string[]>;
  /** Engine events from now on, until `signal` aborts; throws when the connection is lost. */
  events(signal: AbortSignal): AsyncIterable<EngineEvent>;
  /** The embedded engine's files, whose changes (images.json, volumes/) make a list stale;
   * an endpoint has none (its events say everything). */
  readonly layout?: Layout;
  /** Attaches to a container's main process; absent where the engine cannot (shown as unavailable). */
  attachMain?(ref: string): Promise<MainAttachment>;
  /** The embedded engine itself, for what only it does (build, the build cache); absent on an endpoint. */
  readonly embedded?: Engine;
  /** Ends connections and timers. */
  close(): void;
}
