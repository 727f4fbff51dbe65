// A Docker Engine API endpoint (dockerd, podman's `system service`, berth's own
// `system service`) as a Backend: requests through dockerode, events from the
// event stream, stats from the stats streams, logs and shells from their
// streams. Nothing is polled: the workstation's watchers follow `events()`.
import type Dockerode from 'dockerode';
import type { ContainerSummary, CreateOptions, ExecOptions, LogOptions } from '../../engine/container/index.js';
import type { EngineEvent } from '../../engine/events/index.js';
import type { LogRecord } from '../../engine/log/index.js';
import type { ProgressSink } from '../../engine/registry/index.js';
import type { CreateNetworkOptions } from '../../engine/network/index.js';
import { BerthError, type PullPolicy } from '../../engine/index.js';
import type { Backend, ContainerOps, EndpointSpec, ExecHandle, ImageItem, ImageListItem, ImageRemoval, MainAttachment, NetworkItem, ServerVersion, SessionConnection, VolumeItem } from '../types.js';
import { connect, modemOptions } from './connect.js';
import { jsonLines } from './channel.js';
import { toEvent, toSummary, type ApiContainer, type ApiEvent } from './map.js';
import { apiLogs } from './logs.js';
import { ApiStatsSource } from './stats.js';
import { attachContainer, attachExec, createExec, waitExec } from './shell.js';
import { guard, guardFn } from './errors.js';
import { apiFilters } from './filters.js';
import { apiPull } from './pull.js';
import { createBody } from './create-body.js';

const iso = (secs: number): string => new Date(secs * 1000).toISOString();
const real = (list: string[] | undefined, none: string): string[] => (list ?? []).filter((t) => t !== none);

/** A request whose "nothing to do" answer (304: already started, already stopped) is docker's CLI's success. */
const done = async (p: Promise<unknown>): Promise<void> => {
  try { await p; } catch (e) { if ((e as { statusCode?: number }).statusCode !== 304) throw e; }
};

/** The Backend methods that ask the daemon: their failures pass through apiError. */
const GUARDED = ['needsPull', 'removeImage', 'pruneImages', 'removeVolume', 'pruneVolumes', 'createNetwork', 'removeNetwork',
  'pruneNetworks', 'listContainers', 'containerSize', 'listImages', 'serverVersion', 'serverInfo', 'attachMain'] as const;

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
        // by ID (what events name); a name or short ID is resolved by inspect first
        let [one] = (await list({ id: [ref] })).filter((x) => x.Id.startsWith(ref));
        if (!one) [one] = await list({ id: [(await c(ref).inspect()).Id] });
        if (!one) throw new BerthError('NOT_FOUND', `No such container: ${ref}`);
        return toSummary(one);
      },
      inspect: async (ref: string) => (await c(ref).inspect()) as unknown as Record<string, unknown>,
      top: async (ref: string) => {
        const t = await c(ref).top();
        const titles = t.Titles as string[], rows = (t.Processes ?? []) as string[][];
        return rows.map((p) => Object.fromEntries(titles.map((title, i) => [title, p[i]])));
      },
      topPs: async (ref: string, psArgs: string[]) => {
        const t = await c(ref).top(psArgs.length ? { ps_args: psArgs.join(' ') } : {});
        return { titles: (t.Titles ?? []) as string[], processes: (t.Processes ?? []) as string[][] };
      },
      logs: (ref: string, opts: LogOptions): AsyncIterable<LogRecord> => apiLogs(d(), ref, opts),
      create: async (o: CreateOptions) => {
        const body = createBody(o);
        const made = await d().createContainer(body as Dockerode.ContainerCreateOptions);
        const info = await made.inspect();
        return { id: made.id, name: info.Name.replace(/^\//, '') };
      },
      start: (ref: string) => done(c(ref).start()),
      // docker's CLI sends t only when -t was given (the container's own StopTimeout otherwise)
      stop: (ref: string, o: { timeout?: number; signal?: string } = {}) =>
        done(c(ref).stop({ ...(o.timeout !== undefined ? { t: o.timeout } : {}), ...(o.signal ? { signal: o.signal } : {}) })),
      restart: async (ref: string, o: { timeout?: number } = {}) => { await c(ref).restart(o.timeout !== undefined ? { t: o.timeout } : {}); },
      killByUser: async (ref: string, signal?: string) => { await c(ref).kill({ signal: signal ?? 'SIGKILL' }); },
      pause: async (ref: string) => { await c(ref).pause(); },
      unpause: async (ref: string) => { await c(ref).unpause(); },
      remove: async (ref: string, opts: { force?: boolean; volumes?: boolean }) => { await c(ref).remove({ force: !!opts.force, v: !!opts.volumes }); },
      wait: async (ref: string) => ((await c(ref).wait()) as { StatusCode: number }).StatusCode,
      prune: async () => {
        const r = await d().pruneContainers();
        return { deleted: r.ContainersDeleted ?? [], reclaimed: r.SpaceReclaimed ?? 0 };
      },
      exec: (ref: string, o: ExecOptions): Promise<ExecHandle> => createExec(d(), ref, o),
      execAttach: (er: ExecHandle): Promise<SessionConnection> => attachExec(d(), er),
      execWait: (er: ExecHandle) => waitExec(d(), er),
      volumeUsers: async () => {
        const m = new Map<string, string[]>();
        for (const x of await list()) for (const v of x.Mounts ?? []) if (v.Type === 'volume' && v.Name) m.set(v.Name, [...(m.get(v.Name) ?? []), x.Id]);
        return m;
      },
    };
    this.containers = guard(this.containers, this.address);
    this.images = guard(this.images, this.address);
    this.volumes = guard(this.volumes, this.address);
    this.networks = guard(this.networks, this.address);
    this.registry = guard(this.registry, this.address);
    const self = this as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const k of GUARDED) self[k] = guardFn(self[k].bind(this), this.address);
  }

  readonly images: Backend['images'] = {
    list: async (): Promise<ImageItem[]> => (await this.docker.listImages()).map((i) => ({
      id: i.Id, repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), created: iso(i.Created), size: i.Size, config: { Labels: i.Labels ?? {} },
    })),
    inspect: (ref: string): Promise<unknown> => this.docker.getImage(ref).inspect(),
  };

  readonly volumes: Backend['volumes'] = {
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
    create: async (o: { name?: string; labels?: Record<string, string>; options?: Record<string, string> }): Promise<{ Name: string }> => {
      // dockerode answers with a Volume handle (its `name`), not the daemon's document
      const v = await this.docker.createVolume({ ...(o.name ? { Name: o.name } : {}), ...(o.labels ? { Labels: o.labels } : {}), ...(o.options ? { DriverOpts: o.options } : {}) });
      return { Name: v.name };
    },
  };

  readonly networks: Backend['networks'] = {
    list: async (): Promise<NetworkItem[]> => {
      // the list leaves Containers empty (docker fills it only on inspect): taken from the containers
      const [nets, cs] = await Promise.all([this.docker.listNetworks(), this.docker.listContainers({ all: true })]);
      return nets.map((n) => {
        const attached: Record<string, { Name: string }> = {};
        for (const x of cs) if (n.Name in (x.NetworkSettings?.Networks ?? {})) attached[x.Id] = { Name: (x.Names[0] ?? x.Id).replace(/^\//, '') };
        return {
          Name: n.Name, Id: n.Id, Driver: n.Driver, IPAM: { Config: (n.IPAM?.Config ?? []) as NetworkItem['IPAM']['Config'] }, Containers: attached, Labels: n.Labels ?? {},
          Scope: n.Scope, Created: n.Created, Internal: n.Internal, EnableIPv6: n.EnableIPv6,
        };
      });
    },
    get: (ref: string): Promise<unknown> => this.docker.getNetwork(ref).inspect(),
  };

  readonly registry: Pick<Backend['registry'], 'pull'> = {
    pull: (ref: string, opts: { progress: ProgressSink; platform?: string }) => apiPull(this.docker, ref, opts.progress, opts.platform),
  };

  /** The client, made on first use: loading dockerode (and ssh2) is not the first frame's cost. */
  get docker(): Dockerode { return (this.client ??= connect(this.ep)); }

  stats(): ApiStatsSource { return this.sampler; }

  async listContainers(o: { all?: boolean; limit?: number; filters?: string[] }): Promise<ContainerSummary[]> {
    const filters = apiFilters(o.filters);
    const list = await this.docker.listContainers({
      all: !!o.all, ...(o.limit ? { limit: o.limit } : {}), ...(filters ? { filters: JSON.stringify(filters) } : {}),
    });
    return (list as unknown as ApiContainer[]).map(toSummary);
  }

  async containerSize(s: ContainerSummary): Promise<{ rw: number; rootFs: number }> {
    const [one] = (await this.docker.listContainers({ all: true, size: true, filters: JSON.stringify({ id: [s.id] }) })) as Array<{ SizeRw?: number; SizeRootFs?: number }>;
    return { rw: one?.SizeRw ?? 0, rootFs: one?.SizeRootFs ?? 0 };
  }

  async listImages(o: { filters?: string[]; all?: boolean }): Promise<ImageListItem[]> {
    const filters = apiFilters(o.filters);
    const list = await this.docker.listImages({ all: !!o.all, ...(filters ? { filters: JSON.stringify(filters) } : {}) } as Dockerode.ListImagesOptions);
    return list.map((i) => ({
      id: i.Id, repoTags: real(i.RepoTags, '<none>:<none>'), repoDigests: real(i.RepoDigests, '<none>@<none>'), created: iso(i.Created), size: i.Size,
    }));
  }

  async serverVersion(): Promise<ServerVersion> { return (await this.docker.version()) as unknown as ServerVersion; }
  async serverInfo(): Promise<Record<string, unknown>> { return (await this.docker.info()) as Record<string, unknown>; }

  async attachMain(ref: string, o: { stdin?: boolean; removed?: boolean } = {}): Promise<MainAttachment> {
    const c = this.docker.getContainer(ref);
    const info = await c.inspect();
    const tty = !!info.Config.Tty, openStdin = !!info.Config.OpenStdin;
    // asked before the start: a container that ends (and, with --rm, goes) at once still answers
    // (`removed`: run --rm, answered once the daemon has removed it too, as docker's CLI waits;
    // the code is next-exit's: podman 4.3 answers a `removed` wait with 0 whatever the exit)
    const ac = new AbortController();
    const asked = (condition: string): Promise<{ StatusCode: number }> =>
      c.wait({ condition, abortSignal: ac.signal } as never) as unknown as Promise<{ StatusCode: number }>;
    const exited = Promise.all([asked('next-exit'), o.removed ? asked('removed') : undefined]).then(([x]) => x);
    exited.catch(() => { /* read by wait() */ });
    try {
      const conn = await attachContainer(this.docker, info.Id, { tty, stdin: (o.stdin ?? true) && openStdin });
      return { conn, tty, openStdin, wait: async () => (await exited).StatusCode, release: () => ac.abort() };
    } catch (e) {
      ac.abort();
      throw e;
    }
  }

  async needsPull(ref: string, policy: PullPolicy = 'missing'): Promise<boolean> {
    if (policy !== 'missing') return policy === 'always';
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
  async createNetwork(o: CreateNetworkOptions): Promise<NetworkItem> {
    const pool = { ...(o.subnet ? { Subnet: o.subnet } : {}), ...(o.gateway ? { Gateway: o.gateway } : {}), ...(o.ipRange ? { IPRange: o.ipRange } : {}) };
    const n = await this.docker.createNetwork({
      Name: o.name, ...(o.driver ? { Driver: o.driver } : {}), ...(Object.keys(pool).length ? { IPAM: { Config: [pool] } } : {}),
      ...(o.internal ? { Internal: true } : {}), ...(o.attachable ? { Attachable: true } : {}),
      ...(o.labels ? { Labels: o.labels } : {}), ...(o.options ? { Options: o.options } : {}),
    });
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

  /** Ends the stats streams and the kept connections (an ssh endpoint's ssh processes). */
  close(): void {
    this.sampler.close();
    (this.client?.modem as { agent?: { destroy(): void } } | undefined)?.agent?.destroy();
  }
}
