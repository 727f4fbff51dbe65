// docker's container create body (Config + HostConfig + NetworkingConfig) → the engine's
// CreateOptions, the same options the CLI's flags become: every syntax (-v strings in
// Binds, ports, devices) goes through the engine's own parsers. What berth cannot honour
// is refused with a 400 naming the field, never dropped in silence.
import type { CreateOptions, NetworkConfig } from '../engine/container/index.js';
import type { ResourceLimits } from '../engine/cgroup/index.js';
import { parseMountFlag, parseVolumeFlag, type MountRequest } from '../engine/volume/index.js';
import { parsePublish } from '../engine/network/index.js';
import { badRequest } from './errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = Record<string, any>;

export interface CreateBody extends Json {
  Image?: string;
  Cmd?: string[] | string | null;
  Entrypoint?: string[] | string | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  Volumes?: Record<string, unknown> | null;
  ExposedPorts?: Record<string, unknown> | null;
  HostConfig?: Json | null;
  NetworkingConfig?: Json | null;
}

const list = (v: unknown): string[] | undefined =>
  v == null ? undefined : Array.isArray(v) ? v.map(String) : [String(v)];

function resources(h: Json): ResourceLimits | undefined {
  const r: ResourceLimits = {};
  if (h.Memory) r.memory = h.Memory;
  if (h.MemoryReservation) r.memoryReservation = h.MemoryReservation;
  if (h.MemorySwap) r.memorySwap = h.MemorySwap;
  if (h.NanoCpus) r.nanoCpus = h.NanoCpus;
  else if (h.CpuQuota && h.CpuQuota > 0) r.nanoCpus = Math.round((h.CpuQuota / (h.CpuPeriod || 100_000)) * 1e9);
  if (h.CpuShares) r.cpuShares = h.CpuShares;
  if (h.CpusetCpus) r.cpusetCpus = h.CpusetCpus;
  if (h.PidsLimit != null && h.PidsLimit !== 0) r.pidsLimit = h.PidsLimit;
  if (h.BlkioWeight) r.blkioWeight = h.BlkioWeight;
  return Object.keys(r).length ? r : undefined;
}

/** HostConfig.Mounts objects in --mount's words, so one parser checks both. */
function mountObject(m: Json): MountRequest {
  const fields = [`type=${m.Type ?? 'volume'}`];
  if (m.Source) fields.push(`source=${m.Source}`);
  if (m.Target) fields.push(`target=${m.Target}`);
  if (m.ReadOnly) fields.push('readonly');
  if (m.BindOptions?.Propagation) fields.push(`bind-propagation=${m.BindOptions.Propagation}`);
  if (m.VolumeOptions?.NoCopy) fields.push('volume-nocopy');
  if (m.TmpfsOptions?.SizeBytes) fields.push(`tmpfs-size=${m.TmpfsOptions.SizeBytes}`);
  if (m.TmpfsOptions?.Mode) fields.push(`tmpfs-mode=${Number(m.TmpfsOptions.Mode).toString(8)}`);
  return parseMountFlag(fields.join(','));
}

function network(h: Json, body: CreateBody): NetworkConfig {
  let mode = h.NetworkMode || 'bridge';
  if (mode === 'default') mode = 'bridge';
  const endpoint = body.NetworkingConfig?.EndpointsConfig?.[mode] as Json | undefined;
  const ports: NetworkConfig['ports'] = [];
  for (const [key, bindings] of Object.entries((h.PortBindings ?? {}) as Record<string, Json[] | null>)) {
    const [port, proto = 'tcp'] = key.split('/');
    for (const b of bindings?.length ? bindings : [{}]) {
      const hostPart = b.HostIp ? `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp}:${b.HostPort ?? ''}:` : b.HostPort ? `${b.HostPort}:` : '';
      ports.push(...parsePublish(`${hostPart}${port}/${proto}`));
    }
  }
  const ip = endpoint?.IPAMConfig?.IPv4Address as string | undefined;
  const mac = (body.MacAddress as string | undefined) || (endpoint?.MacAddress as string | undefined);
  return {
    mode,
    ...(ip ? { ip } : {}),
    ...(mac ? { mac } : {}),
    ...(h.ExtraHosts?.length ? { extraHosts: h.ExtraHosts } : {}),
    ...(h.Dns?.length ? { dns: h.Dns } : {}),
    ...(h.DnsSearch?.length ? { dnsSearch: h.DnsSearch } : {}),
    ...(h.DnsOptions?.length ? { dnsOptions: h.DnsOptions } : {}),
    ...(ports.length ? { ports } : {}),
  };
}

function restartSpec(p: Json | undefined): string | undefined {
  if (!p?.Name || p.Name === 'no') return undefined;
  return p.Name === 'on-failure' && p.MaximumRetryCount ? `on-failure:${p.MaximumRetryCount}` : p.Name;
}

/** The fields of a create body no berth container can have: refused by name. */
function refuseUnsupported(h: Json): void {
  const set = (k: string) => h[k] != null && h[k] !== '' && h[k] !== false && !(Array.isArray(h[k]) && !h[k].length) && !(typeof h[k] === 'object' && !Array.isArray(h[k]) && !Object.keys(h[k]).length);
  for (const k of ['VolumeDriver', 'IpcMode', 'PidMode', 'UTSMode', 'UsernsMode', 'CgroupParent', 'Runtime', 'Isolation']) {
    if (set(k) && !(k === 'IpcMode' && ['private', 'shareable'].includes(h[k])) && !(k === 'Isolation' && h[k] === 'default') && !(k === 'Runtime' && h[k] === 'runc')) {
      throw badRequest(`HostConfig.${k} ${JSON.stringify(h[k])} is not supported by berth`);
    }
  }
}

export function createOptions(body: CreateBody, name: string | undefined, onWarning: (m: string) => void): CreateOptions {
  if (!body.Image) throw badRequest('config error: no image given (Image)');
  const h: Json = body.HostConfig ?? {};
  refuseUnsupported(h);
  const entry = list(body.Entrypoint);
  const mounts: MountRequest[] = [
    ...(h.Binds ?? []).map((b: string) => parseVolumeFlag(b)),
    ...(h.Mounts ?? []).map(mountObject),
    ...Object.entries((h.Tmpfs ?? {}) as Record<string, string>).map(([t, o]) => parseMountFlag(`type=tmpfs,target=${t}${o ? ',' + o.split(',').map((x) => (x.startsWith('size=') ? 'tmpfs-' + x : x.startsWith('mode=') ? 'tmpfs-' + x : x)).join(',') : ''}`)),
    // Config.Volumes: anonymous volumes, as `-v /path` (docker's CLI puts -v /path here)
    ...Object.keys(body.Volumes ?? {}).map((t) => parseVolumeFlag(t)),
  ];
  return {
    image: body.Image,
    cmd: list(body.Cmd),
    // docker: Entrypoint [] or [""] = none, absent = the image's
    entrypoint: entry === undefined ? undefined : entry.length === 0 ? '' : entry.length === 1 ? entry[0] : undefined,
    ...(entry && entry.length > 1 ? { cmd: [...entry.slice(1), ...(list(body.Cmd) ?? [])], entrypoint: entry[0] } : {}),
    name: name || undefined,
    env: body.Env ?? [],
    workingDir: body.WorkingDir || undefined,
    user: body.User || undefined,
    hostname: body.Hostname || undefined,
    labels: body.Labels ?? {},
    stopSignal: body.StopSignal || undefined,
    stopTimeout: body.StopTimeout ?? undefined,
    init: h.Init ?? undefined,
    autoRemove: !!h.AutoRemove,
    tty: !!body.Tty,
    openStdin: !!body.OpenStdin,
    readonlyRootfs: !!h.ReadonlyRootfs,
    resources: resources(h),
    onWarning,
    mounts,
    volumesFrom: h.VolumesFrom?.length ? h.VolumesFrom : undefined,
    restart: restartSpec(h.RestartPolicy),
    securityOpt: h.SecurityOpt?.length ? h.SecurityOpt : undefined,
    capAdd: h.CapAdd?.length ? h.CapAdd : undefined,
    capDrop: h.CapDrop?.length ? h.CapDrop : undefined,
    privileged: !!h.Privileged,
    devices: h.Devices?.length ? h.Devices.map((d: Json) => ({ pathOnHost: d.PathOnHost, pathInContainer: d.PathInContainer || d.PathOnHost, cgroupPermissions: d.CgroupPermissions || 'rwm' })) : undefined,
    deviceCgroupRules: h.DeviceCgroupRules?.length ? h.DeviceCgroupRules : undefined,
    ulimits: h.Ulimits?.length ? h.Ulimits.map((u: Json) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })) : undefined,
    shmSize: h.ShmSize || undefined,
    sysctls: h.Sysctls && Object.keys(h.Sysctls).length ? h.Sysctls : undefined,
    groupAdd: h.GroupAdd?.length ? h.GroupAdd : undefined,
    network: network(h, body),
  };
}
