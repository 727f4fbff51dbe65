// A Docker Engine API endpoint (dockerd, podman's `system service`, berth's own
// `system service`) as a Backend: requests through dockerode, events from the
// event stream, stats from the stats streams, logs and shells from their
// streams. Nothing is polled: the workstation's watchers follow `events()`.
import type Dockerode from 'dockerode';
import type { ContainerSummary, CreateOptions, ExecOptions, LogOptions } from '../../engine/container/index.js';
import type { EngineEvent } from '../../engine/events/index.js';
import type { LogRecord } from '../../engine/log/index.js';
import type { ProgressSink } from '../../engine/registry/index.js';
import type { Backend, ContainerOps, EndpointSpec, ExecHandle, ImageItem, ImageRemoval, NetworkItem, ShellConnection, VolumeItem } from '../types.js';
import { connect, modemOptions } from './connect.js';
import { jsonLines } from './channel.js';
import { toEvent, toSummary, type ApiContainer, type ApiEvent } from './map.js';
import { apiLogs } from './logs.js';
import { ApiStatsSource } from './stats.js';
import { attachExec, createExec, waitExec } from './shell.js';
import { apiPull } from './pull.js';
import { createBody } from './create-body.js';

const iso = (secs: number): string => new Date(secs * 1000).toISOString();

export class DockerBackend implements Backend {
  readonly name: string;
  readonly address: string;
  private client?: Dockerode;
  private readonly sampler: ApiStatsSource;
  readonly containers: ContainerOps;

  constructor(private readonly ep: EndpointSpec) {
    this.name = ep.name;
    this.address = ep.dockerHost;
    modemOptions(ep); // a bad address fails here, before the screen is taken
    this.sampler = new ApiStatsSource(() => this.docker);
    const d = (): Dockerode => this.docker;
    const list = async (filters?: Record<string, string[]>): Promise<ApiContainer[]> =>
      (await d().listContainers({ all: true, ...(filters ? { filters: JSON.stringify(filters) } : {}) })) as unknown as ApiContainer[];
    const c = (id: string): Dockerode.Container => d().getContainer(id);
    this.containers = {
      list: async () => (await list()).map(toSummary),
      summary: async (ref: string): Promise<ContainerSummary> => {
        const [one] = await list({ id: [ref] });
        if (!one) throw new Error(`No such container: ${ref}`);
        return toSummary(one);
      },
      inspect: async (ref: string) => (await c(ref).inspect()) as unknown as Record<string, unknown>,
      top: async (ref: string) => {
        const t = await c(ref).top();
        const titles = t.Titles as string[], rows = (t.Processes ?? []) as string[][];
        return rows.map((p) => Object.fromEntries(titles.map((title, i) => [title, p[i]])));
      },
      logs: (ref: string, opts: LogOptions): AsyncIterable<LogRecord> => apiLogs(d(), ref, opts),
      create: async (o: CreateOptions) => {
        const body = createBody(o);
        const made = await d().createContainer(body as Dockerode.ContainerCreateOptions);
        const info = await made.inspect();
        return { id: made.id, name: info.Name.replace(/^\//, '') };
      },
      start: (ref: string) => c(ref).start(),
      stop: async (ref: string) => { await c(ref).stop(); },
      restart: async (ref: string) => { await c(ref).restart(); },
      killByUser: async (ref: string, signal?: string) => { await c(ref).kill({ signal: signal ?? 'SIGKILL' }); },
      pause: async (ref: string) => { await c(ref).pause(); },
      unpause: async (ref: string) => { await c(ref).unpause(); },
      remove: async (ref: string, opts: { force?: boolean }) => { await c(ref).remove({ force: opts.force }); },
      prune: async () => {
        const r = await d().pruneContainers();
        return { deleted: r.ContainersDeleted ?? [], reclaimed: r.SpaceReclaimed ?? 0 };
      },
      exec: (ref: string, o: ExecOptions): Promise<ExecHandle> => createExec(d(), ref, o),
      execAttach: (er: ExecHandle): Promise<ShellConnection> => attachExec(d(), er),
      execWait: (er: ExecHandle) => waitExec(d(), er),
      volumeUsers: async () => {
        const m = new Map<string, string[]>();
        for (const x of await list()) for (const v of x.Mounts ?? []) if (v.Type === 'volume' && v.Name) m.set(v.Name, [...(m.get(v.Name) ?? []), x.Id]);
        return m;
      },
    };
  }

  readonly images = {
    list: async (): Promise<ImageItem[]> => (await this.docker.listImages()).map((i) => ({
      id: i.Id, repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), created: iso(i.Created), size: i.Size, config: { Labels: i.Labels ?? {} },
    })),
    inspect: (ref: string): Promise<unknown> => this.docker.getImage(ref).inspect(),
  };

  readonly volumes = {
    report: async (): Promise<VolumeItem[]> => {
      const [{ Volumes }, users] = await Promise.all([this.docker.listVolumes(), this.containers.volumeUsers()]);
      return (Volumes ?? []).map((v) => {
        const labels = (v.Labels ?? {}) as Record<string, string>;
        const usage = (v as { UsageData?: { Size?: number } | null }).UsageData;
        return {
          name: v.Name, driver: v.Driver, labels,
          anonymous: 'com.docker.volume.anonymous' in labels || /^[0-9a-f]{64}$/.test(v.Name),
          containers: users.get(v.Name) ?? [],
          size: usage?.Size ?? -1,
          mountpoint: v.Mountpoint,
        };
      });
    },
    get: (name: string): Promise<unknown> => this.docker.getVolume(name).inspect(),
    create: async (o: { name?: string }): Promise<{ Name: string }> => {
      const v = await this.docker.createVolume(o.name ? { Name: o.name } : {}) as unknown as { Name: string };
      return { Name: v.Name };
    },
  };

  readonly networks = {
    list: async (): Promise<NetworkItem[]> => {
      // the list leaves Containers empty (docker fills it only on inspect): taken from the containers
      const [nets, cs] = await Promise.all([this.docker.listNetworks(), this.docker.listContainers({ all: true })]);
      return nets.map((n) => {
        const attached: Record<string, { Name: string }> = {};
        for (const x of cs) if (n.Name in (x.NetworkSettings?.Networks ?? {})) attached[x.Id] = { Name: (x.Names[0] ?? x.Id).replace(/^\//, '') };
        return { Name: n.Name, Id: n.Id, Driver: n.Driver, IPAM: { Config: (n.IPAM?.Config ?? []) as NetworkItem['IPAM']['Config'] }, Containers: attached, Labels: n.Labels ?? {} };
      });
    },
    get: (ref: string): Promise<unknown> => this.docker.getNetwork(ref).inspect(),
  };

  readonly registry = {
    pull: (ref: string, opts: { progress: ProgressSink }) => apiPull(this.docker, ref, opts.progress),
  };

  /** The client, made on first use: loading dockerode (and ssh2) is not the first frame's cost. */
  get docker(): Dockerode { return (this.client ??= connect(this.ep)); }

  stats(): ApiStatsSource { return this.sampler; }

  async needsPull(ref: string): Promise<boolean> {
    try { await this.docker.getImage(ref).inspect(); return false; } catch (e) { if ((e as { statusCode?: number }).statusCode === 404) return true; throw e; }
  }

  /** inspect's Config.StopTimeout; a container made without one waits the daemon's 10 s. */
  async stopTimeout(ref: string): Promise<number> {
    const info = await this.docker.getContainer(ref).inspect();
    return (info.Config as { StopTimeout?: number }).StopTimeout ?? 10; // dockerode's type leaves it out
  }

  async removeImage(ref: string, opts: { force?: boolean } = {}): Promise<ImageRemoval> {
    const r = (await this.docker.getImage(ref).remove({ force: !!opts.force })) as Array<{ Untagged?: string; Deleted?: string }>;
    return { untagged: r.flatMap((x) => (x.Untagged ? [x.Untagged] : [])), deleted: r.flatMap((x) => (x.Deleted ? [x.Deleted] : [])) };
  }
  async pruneImages(opts: { all?: boolean } = {}): Promise<{ removed: unknown[]; reclaimed: number }> {
    // docker's --all: the dangling=false filter
    const r = await this.docker.pruneImages(opts.all ? { filters: { dangling: ['false'] } } : {});
    return { removed: r.ImagesDeleted ?? [], reclaimed: r.SpaceReclaimed ?? 0 };
  }
  async removeVolume(name: string, opts: { force?: boolean } = {}): Promise<void> { await this.docker.getVolume(name).remove({ force: !!opts.force }); }
  async pruneVolumes(opts: { all?: boolean } = {}): Promise<{ deleted: string[]; reclaimed: number }> {
    // docker's --all: the all=true filter (API ≥ 1.42); an older engine prunes anonymous ones only
    const r = await this.docker.pruneVolumes(opts.all ? { filters: { all: ['true'] } } : {});
    return { deleted: r.VolumesDeleted ?? [], reclaimed: r.SpaceReclaimed ?? 0 };
  }
  async createNetwork(o: { name: string; subnet?: string }): Promise<NetworkItem> {
    const n = await this.docker.createNetwork({ Name: o.name, ...(o.subnet ? { IPAM: { Config: [{ Subnet: o.subnet }] } } : {}) });
    const info = (await n.inspect()) as NetworkItem;
    return { ...info, IPAM: { Config: info.IPAM?.Config ?? [] }, Containers: info.Containers ?? {}, Labels: info.Labels ?? {} };
  }
  async removeNetwork(ref: string, opts: { force?: boolean } = {}): Promise<unknown> {
    const n = this.docker.getNetwork(ref);
    if (opts.force) {
      const info = (await n.inspect()) as NetworkItem;
      for (const id of Object.keys(info.Containers ?? {})) await n.disconnect({ Container: id, Force: true });
    }
    return n.remove();
  }
  async pruneNetworks(): Promise<string[]> { return (await this.docker.pruneNetworks()).NetworksDeleted ?? []; }

  async *events(signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const stream = (await this.docker.getEvents({ abortSignal: signal } as never)) as unknown as NodeJS.ReadableStream;
    for await (const raw of jsonLines<ApiEvent>(stream, signal)) {
      const ev = toEvent(raw);
      if (!ev) continue;
      if (ev.type === 'container' && (ev.action === 'start' || ev.action === 'unpause')) this.sampler.reopen(ev.id);
      yield ev;
    }
    // the daemon never ends the stream itself: the connection went
    if (!signal.aborted) throw new Error(`${this.name}: connection lost`);
  }

  close(): void { this.sampler.close(); }
}
