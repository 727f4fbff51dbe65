// The engine's CreateOptions (the CLI's run/create flags, the run form's fields) as
// docker's create body, field by field as docker's CLI fills it. An option left at
// its default (undefined, false, empty) is not sent; anything set that is not
// carried here is refused by name, so a run on a remote never silently drops a
// setting.
import type { CreateOptions } from '../../engine/container/index.js';
import { BerthError } from '../../engine/index.js';

type Mapper = (o: CreateOptions, body: Body) => void;
interface Body { [k: string]: unknown; HostConfig: Record<string, unknown> }

const port = (p: { containerPort: number; proto: string }): string => `${p.containerPort}/${p.proto}`;

/** Each carried option and where it goes; the keys are CreateOptions' own. */
const CARRIED: Record<string, Mapper> = {
  image: (o, b) => { b.Image = o.image; },
  name: (o, b) => { b.name = o.name; },
  cmd: (o, b) => { b.Cmd = o.cmd; },
  // docker's CLI: --entrypoint "" resets the image's to none
  entrypoint: (o, b) => { b.Entrypoint = [o.entrypoint]; },
  env: () => { /* always sent, below */ },
  workingDir: (o, b) => { b.WorkingDir = o.workingDir; },
  user: (o, b) => { b.User = o.user; },
  hostname: (o, b) => { b.Hostname = o.hostname; },
  labels: (o, b) => { b.Labels = o.labels; },
  stopSignal: (o, b) => { b.StopSignal = o.stopSignal; },
  stopTimeout: (o, b) => { b.StopTimeout = o.stopTimeout; },
  init: (o, b) => { b.HostConfig.Init = true; },
  autoRemove: (o, b) => { b.HostConfig.AutoRemove = true; },
  tty: (o, b) => { b.Tty = true; },
  // docker's CLI with -i: stdin attached, and closed when that client leaves
  openStdin: (o, b) => { Object.assign(b, { OpenStdin: true, AttachStdin: true, StdinOnce: true }); },
  readonlyRootfs: (o, b) => { b.HostConfig.ReadonlyRootfs = true; },
  mounts: (o, b) => {
    b.HostConfig.Mounts = o.mounts!.map((m) => ({ Type: m.type, Source: m.source || undefined, Target: m.target, ReadOnly: m.readonly }));
  },
  volumesFrom: (o, b) => { b.HostConfig.VolumesFrom = o.volumesFrom; },
  resources: (o, b) => {
    const r = o.resources!;
    Object.assign(b.HostConfig, {
      ...(r.memory ? { Memory: r.memory } : {}), ...(r.memoryReservation ? { MemoryReservation: r.memoryReservation } : {}),
      ...(r.memorySwap ? { MemorySwap: r.memorySwap } : {}), ...(r.nanoCpus ? { NanoCpus: r.nanoCpus } : {}),
      ...(r.cpuShares ? { CpuShares: r.cpuShares } : {}), ...(r.cpusetCpus ? { CpusetCpus: r.cpusetCpus } : {}),
      ...(r.pidsLimit ? { PidsLimit: r.pidsLimit } : {}), ...(r.blkioWeight ? { BlkioWeight: r.blkioWeight } : {}),
    });
  },
  restart: (o, b) => {
    const [name, max] = o.restart!.split(':');
    b.HostConfig.RestartPolicy = { Name: name, ...(max ? { MaximumRetryCount: Number(max) } : {}) };
  },
  securityOpt: (o, b) => { b.HostConfig.SecurityOpt = o.securityOpt; },
  capAdd: (o, b) => { b.HostConfig.CapAdd = o.capAdd; },
  capDrop: (o, b) => { b.HostConfig.CapDrop = o.capDrop; },
  privileged: (o, b) => { b.HostConfig.Privileged = true; },
  ulimits: (o, b) => { b.HostConfig.Ulimits = o.ulimits!.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })); },
  shmSize: (o, b) => { b.HostConfig.ShmSize = o.shmSize; },
  sysctls: (o, b) => { b.HostConfig.Sysctls = o.sysctls; },
  groupAdd: (o, b) => { b.HostConfig.GroupAdd = o.groupAdd; },
  network: (o, b) => {
    const n = o.network!;
    const refused = (['ip', 'mac', 'aliases', 'connected'] as const).filter((k) => !empty((n as unknown as Record<string, unknown>)[k]));
    if (refused.length) throw new BerthError('UNSUPPORTED', `not available on this engine: network ${refused.join(', ')}`);
    b.HostConfig.NetworkMode = n.mode;
    if (n.dns?.length) b.HostConfig.Dns = n.dns;
    if (n.dnsSearch?.length) b.HostConfig.DnsSearch = n.dnsSearch;
    if (n.dnsOptions?.length) b.HostConfig.DnsOptions = n.dnsOptions;
    if (n.extraHosts?.length) b.HostConfig.ExtraHosts = n.extraHosts;
    if (n.publishAll) b.HostConfig.PublishAllPorts = true;
    const exposed: Record<string, object> = {};
    for (const e of n.exposedPorts ?? []) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
    if (n.ports?.length) {
      const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
      for (const p of n.ports) {
        exposed[port(p)] = {};
        const hostPort = p.hostPort ? `${p.hostPort}${p.hostPortEnd ? `-${p.hostPortEnd}` : ''}` : '';
        (bindings[port(p)] ??= []).push({ HostIp: p.hostIp, HostPort: hostPort });
      }
      b.HostConfig.PortBindings = bindings;
    }
    if (Object.keys(exposed).length) b.ExposedPorts = exposed;
  },
  onWarning: () => { /* the daemon's warnings come back in its answer */ },
};

/** Left at its default: not sent (a string is always a choice: --entrypoint "" resets). */
const empty = (v: unknown): boolean =>
  v === undefined || v === false || (Array.isArray(v) && !v.length)
  || (typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.keys(v).length);

export function createBody(o: CreateOptions): Record<string, unknown> {
  const set = Object.entries(o).filter(([, v]) => !empty(v));
  const extra = set.filter(([k]) => !(k in CARRIED));
  if (extra.length) throw new BerthError('UNSUPPORTED', `not available on this engine: ${extra.map(([k]) => k).join(', ')}`);
  const body: Body = { Image: o.image, Env: o.env ?? [], HostConfig: {} };
  for (const [k] of set) CARRIED[k](o, body);
  return body;
}
