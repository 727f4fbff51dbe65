// Presentations of a container: docker's `inspect` JSON and the `ps` summary.
import type { Layout } from '../store/layout.js';
import type { ContainerRecord } from './types.js';
import type { ContainerState } from './state.js';
import { humanDuration } from '../format.js';
import { runningExecIds } from './exec.js';
import { goMap, goNils } from '../template/index.js';
import { hostConfig } from './host-config.js';
import { networkModeOf } from './network.js';
import { parseNetworkMode, type ListedPort } from '../network/index.js';
import { networkSettings } from './network-settings.js';
import { healthConfigJson } from '../image/index.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectJson(layout: Layout, rec: ContainerRecord, st: ContainerState): Record<string, unknown> {
  const p = layout.container(rec.id);
  const argv = [...rec.config.entrypoint, ...rec.config.cmd];
  // image VOLUMEs and bare `-v /path`: docker lists them in Config.Volumes
  const anonymous = (rec.config.mounts ?? []).filter((m) => m.type === 'volume' && m.name && /^[a-f0-9]{64}$/.test(m.name));
  return goNils({
    Id: rec.id,
    Created: rec.created,
    Path: argv[0],
    Args: argv.slice(1),
    State: {
      Status: st.status,
      Running: (st.running && !st.paused) || st.status === 'restarting', // docker: a restarting container counts as running
      Paused: st.paused,
      Restarting: st.status === 'restarting',
      OOMKilled: st.exit?.oomKilled ?? false,
      Dead: false,
      Pid: st.pid,
      ExitCode: st.running ? 0 : st.exit?.exitCode ?? 0,
      Error: st.running ? '' : st.exit?.error ?? '',
      StartedAt: rec.run?.startedAt ?? ZERO_TIME,
      FinishedAt: st.running ? ZERO_TIME : st.exit?.finishedAt ?? ZERO_TIME,
      // docker's *Health: omitted from JSON, a nil pointer to templates ({{if .State.Health}})
      Health: st.health,
    },
    Image: rec.config.imageId,
    ResolvConfPath: p.resolvConf,
    HostnamePath: p.hostname,
    HostsPath: p.hosts,
    LogPath: p.log,
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    // docker: null when there are none
    ExecIDs: st.running ? (ids => ids.length ? ids : null)(runningExecIds(layout, rec.id)) : null,
    HostConfig: hostConfig(rec),
    GraphDriver: {
      Name: 'overlay',
      Data: goMap({ LowerDir: rec.lowerDirs.join(':'), UpperDir: p.upper, WorkDir: p.work, MergedDir: p.merged }),
    },
    Mounts: (rec.config.mounts ?? []).map((m) => ({
      Type: m.type,
      ...(m.name ? { Name: m.name } : {}),
      Source: m.source,
      Destination: m.target,
      ...(m.type === 'volume' ? { Driver: 'local' } : {}),
      Mode: m.readonly ? 'ro' : '',
      RW: !m.readonly,
      Propagation: m.type === 'bind' ? 'rprivate' : '',
    })),
    Config: goNils({
      Hostname: rec.config.hostname,
      Domainname: '',
      User: rec.config.user,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ...(rec.config.network?.exposedPorts?.length ? { ExposedPorts: goMap(Object.fromEntries(rec.config.network.exposedPorts.map((e) => [e, {}])), {}) } : {}),
      Tty: rec.config.tty,
      OpenStdin: rec.config.openStdin,
      StdinOnce: false,
      Env: rec.config.env,
      Cmd: rec.config.cmd,
      Healthcheck: rec.config.healthcheck && healthConfigJson(rec.config.healthcheck), // as Health above
      Image: rec.config.image,
      Volumes: anonymous.length ? goMap(Object.fromEntries(anonymous.map((m) => [m.target, {}])), {}) : null,
      WorkingDir: rec.config.workingDir,
      Entrypoint: rec.config.entrypoint.length ? rec.config.entrypoint : null,
      OnBuild: null,
      Labels: goMap({ ...rec.config.labels }),
      StopSignal: rec.config.stopSignal,
      StopTimeout: rec.config.stopTimeout,
    }, { Env: 'slice', Cmd: 'slice', Entrypoint: 'slice', OnBuild: 'slice', Volumes: 'map', Labels: 'map', ExposedPorts: 'map' }),
    NetworkSettings: networkSettings(layout, rec, st.running, st.pid),
    Berth: {
      MonitorPid: st.running ? rec.run?.monitorPid ?? 0 : 0,
      CgroupPaths: rec.run?.cgroupPaths ?? [],
    },
  }, { ExecIDs: 'slice' });
}

/** What `ps` and the TUI list show for one container. */
export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  command: string;
  created: string;
  state: ContainerState['status'];
  /** docker's status text: "Up 5 seconds", "Exited (0) 2 minutes ago", "Created", "Up 1 hour (Paused)". */
  status: string;
  exitCode?: number;
  labels: Record<string, string>;
  pid: number;
  startedAt?: string;
  finishedAt?: string;
  /** what ps's MOUNTS, LocalVolumes and the volume= filter read */
  mounts: { type: string; name?: string; source: string; target: string }[];
  /** docker's health status ("starting", "healthy", "unhealthy"); absent without a healthcheck */
  health?: string;
  /** The last exit was the kernel's OOM killer (docker's State.OOMKilled); absent otherwise. */
  oomKilled?: boolean;
  /** network names (docker: NetworkSettings.Networks' keys: the networks, "host", "none";
   * nothing for container:NAME) */
  networks: string[];
  /** docker's list Ports: a running container's bindings and exposed ports (ps's PORTS, and its
   * publish= / expose= filters); [] when not running or not given */
  ports: ListedPort[];
}

export function summarize(rec: ContainerRecord, st: ContainerState, now = Date.now(), ports: ListedPort[] = []): ContainerSummary {
  let status: string;
  if (st.running) {
    // docker's State.String(): paused wins over health
    const health = st.health && (st.health.Status === 'starting' ? ' (health: starting)' : ` (${st.health.Status})`);
    status = `Up ${humanDuration(now - Date.parse(rec.run!.startedAt))}${st.paused ? ' (Paused)' : health ?? ''}`;
  } else if (st.status === 'restarting' && st.exit) {
    status = `Restarting (${st.exit.exitCode}) ${humanDuration(now - Date.parse(st.exit.finishedAt))} ago`;
  } else if (st.status === 'exited' && st.exit) {
    status = `Exited (${st.exit.exitCode}) ${humanDuration(now - Date.parse(st.exit.finishedAt))} ago`;
  } else {
    status = 'Created';
  }
  return {
    id: rec.id,
    name: rec.name,
    image: rec.config.image,
    imageId: rec.config.imageId,
    command: psCommand([...rec.config.entrypoint, ...rec.config.cmd]),
    created: rec.created,
    state: st.status,
    status,
    exitCode: st.exit?.exitCode,
    labels: rec.config.labels,
    pid: st.pid,
    startedAt: rec.run?.startedAt,
    finishedAt: st.exit?.finishedAt,
    mounts: (rec.config.mounts ?? []).map((m) => ({ type: m.type, name: m.name, source: m.source, target: m.target })),
    ...(st.health ? { health: st.health.Status } : {}),
    ...(st.exit?.oomKilled ? { oomKilled: true } : {}),
    networks: summaryNetworks(rec),
    ports: st.running ? ports : [],
  };
}

function summaryNetworks(rec: ContainerRecord): string[] {
  const mode = parseNetworkMode(networkModeOf(rec));
  if (mode.kind === 'container') return [];
  return [mode.kind === 'network' ? mode.name : mode.kind, ...(rec.config.network?.connected ?? []).map((c) => c.network)];
}

/** docker's list Command: the path, then the arguments, those with a space in single quotes. */
const psCommand = (argv: string[]): string =>
  argv.length > 1 ? `${argv[0]} ${argv.slice(1).map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}` : argv[0] ?? '';
