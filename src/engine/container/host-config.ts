// docker's HostConfig for `inspect`, every key in docker's order (moby's
// api/types/container HostConfig and Resources, docker 25+). What berth
// records is reported as it is; what berth has no flag for shows docker's
// default for a plain `docker run`. A feature that adds a flag replaces its
// one line here with the recorded value.
import { DEFAULT_SHM_SIZE, MASKED_PATHS, READONLY_PATHS } from '../runtime/index.js';
import { goMap, goNils } from '../template/index.js';
import type { ContainerRecord } from './types.js';
import type { PortBinding } from '../network/index.js';
import { NO_RESTART } from './restart-policy.js';
import { networkModeOf } from './network.js';

/** docker's HostConfig.PortBindings: as asked ("" = chosen at start; a pool as "8000-8010"). */
function portBindings(ports: PortBinding[]): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const host = p.hostPort ? `${p.hostPort}${p.hostPortEnd ? `-${p.hostPortEnd}` : ''}` : '';
    (out[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp, HostPort: host });
  }
  return out;
}

export function hostConfig(rec: ContainerRecord): Record<string, unknown> {
  const c = rec.config;
  const r = c.resources ?? {};
  const mounts = c.mounts ?? [];
  // -v's form: binds and named volumes (anonymous ones, 64 hex, are the image's or a bare -v /path)
  const binds = mounts
    .filter((m) => m.type === 'bind' || (m.type === 'volume' && m.name && !/^[a-f0-9]{64}$/.test(m.name)))
    .map((m) => `${m.type === 'bind' ? m.source : m.name}:${m.target}${m.readonly ? ':ro' : ''}`);
  const tmpfs = mounts.filter((m) => m.type === 'tmpfs');
  return goNils({
    Binds: binds.length ? binds : null,
    ContainerIDFile: '',
    LogConfig: { Type: 'k8s-file', Config: goMap({}) }, // the monitor's log format
    NetworkMode: networkModeOf(rec),
    PortBindings: goMap(portBindings(c.network?.ports ?? []), null),
    RestartPolicy: c.restartPolicy ?? NO_RESTART,
    AutoRemove: c.autoRemove,
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [0, 0],
    CapAdd: c.capAdd?.length ? c.capAdd : null,
    CapDrop: c.capDrop?.length ? c.capDrop : null,
    CgroupnsMode: 'private',
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: c.groupAdd?.length ? c.groupAdd : null,
    IpcMode: 'private',
    Cgroup: '',
    Links: null,
    OomScoreAdj: 0,
    PidMode: '',
    Privileged: !!c.privileged,
    PublishAllPorts: !!c.network?.publishAll,
    ReadonlyRootfs: c.readonlyRootfs,
    // docker: null when none were given (the builtin seccomp profile applies); berth records
    // its default no-new-privileges there
    SecurityOpt: c.securityOpt?.length ? c.securityOpt : null,
    ...(tmpfs.length ? { Tmpfs: goMap(Object.fromEntries(tmpfs.map((m) => [m.target, m.options.join(',')]))) } : {}),
    ...(c.sysctls && Object.keys(c.sysctls).length ? { Sysctls: goMap(c.sysctls) } : {}),
    UTSMode: '',
    UsernsMode: '',
    ShmSize: c.shmSize ?? DEFAULT_SHM_SIZE,
    Runtime: 'berth',
    Isolation: '',
    // Resources (0 / "" / null = not limited), as stored after create and update
    CpuShares: r.cpuShares ?? 0,
    Memory: r.memory ?? 0,
    NanoCpus: r.nanoCpus ?? 0,
    CgroupParent: '',
    BlkioWeight: r.blkioWeight ?? 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: r.cpusetCpus ?? '',
    CpusetMems: '',
    Devices: (c.devices ?? []).map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.cgroupPermissions })),
    DeviceCgroupRules: c.deviceCgroupRules?.length ? c.deviceCgroupRules : null,
    DeviceRequests: null,
    MemoryReservation: r.memoryReservation ?? 0,
    MemorySwap: r.memorySwap ?? 0,
    MemorySwappiness: null,
    OomKillDisable: null,
    PidsLimit: r.pidsLimit ?? null,
    Ulimits: (c.ulimits ?? []).map((u) => ({ Name: u.name, Hard: u.hard, Soft: u.soft })), // docker 28's client sends [] when none
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    MaskedPaths: [...MASKED_PATHS],
    ReadonlyPaths: [...READONLY_PATHS],
    ...(c.init ? { Init: true } : {}),
  }, NIL_SLICES);
}

// the null fields that are slices in docker's HostConfig ({{.HostConfig.CapAdd}} prints [])
const NIL_SLICES = Object.fromEntries(['Binds', 'VolumesFrom', 'CapAdd', 'CapDrop', 'ExtraHosts', 'GroupAdd', 'Links', 'SecurityOpt',
  'DeviceCgroupRules', 'DeviceRequests'].map((k) => [k, 'slice' as const]));
