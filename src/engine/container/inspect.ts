// Presentations of a container: docker's `inspect` JSON and the `ps` summary.
import type { Layout } from '../store/layout.js';
import type { ContainerRecord } from './types.js';
import type { ContainerState } from './state.js';
import { humanDuration } from '../format.js';
import { runningExecIds } from './exec.js';
import { networkModeOf } from './network.js';
import { networkSettings } from './network-settings.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function inspectJson(layout: Layout, rec: ContainerRecord, st: ContainerState): Record<string, unknown> {
  const p = layout.container(rec.id);
  const argv = [...rec.config.entrypoint, ...rec.config.cmd];
  return {
    Id: rec.id,
    Created: rec.created,
    Path: argv[0],
    Args: argv.slice(1),
    State: {
      Status: st.status,
      Running: st.running && !st.paused,
      Paused: st.paused,
      Restarting: false,
      OOMKilled: st.exit?.oomKilled ?? false,
      Dead: false,
      Pid: st.pid,
      ExitCode: st.running ? 0 : st.exit?.exitCode ?? 0,
      Error: st.running ? '' : st.exit?.error ?? '',
      StartedAt: rec.run?.startedAt ?? ZERO_TIME,
      FinishedAt: st.running ? ZERO_TIME : st.exit?.finishedAt ?? ZERO_TIME,
    },
    Image: rec.config.imageId,
    ResolvConfPath: p.resolvConf,
    HostnamePath: p.hostname,
    HostsPath: p.hosts,
    LogPath: p.log,
    Name: `/${rec.name}`,
    // docker: null when there are none
    ExecIDs: st.running ? (ids => ids.length ? ids : null)(runningExecIds(layout, rec.id)) : null,
    RestartCount: rec.restartCount,
    Driver: 'overlay',
    HostConfig: {
      AutoRemove: rec.config.autoRemove,
      Init: rec.config.init,
      ReadonlyRootfs: rec.config.readonlyRootfs,
      NetworkMode: networkModeOf(rec),
      CgroupParent: '',
      // docker's resource fields (0 / "" = not limited), as stored after create / update
      Memory: rec.config.resources?.memory ?? 0,
      MemoryReservation: rec.config.resources?.memoryReservation ?? 0,
      MemorySwap: rec.config.resources?.memorySwap ?? 0,
      NanoCpus: rec.config.resources?.nanoCpus ?? 0,
      CpuShares: rec.config.resources?.cpuShares ?? 0,
      CpusetCpus: rec.config.resources?.cpusetCpus ?? '',
      PidsLimit: rec.config.resources?.pidsLimit ?? null,
      BlkioWeight: rec.config.resources?.blkioWeight ?? 0,
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
    NetworkSettings: networkSettings(layout, rec, st.running, st.pid),
    GraphDriver: {
      Name: 'overlay',
      Data: { LowerDir: rec.lowerDirs.join(':'), UpperDir: p.upper, WorkDir: p.work, MergedDir: p.merged },
    },
    Config: {
      Hostname: rec.config.hostname,
      User: rec.config.user,
      Tty: rec.config.tty,
      OpenStdin: rec.config.openStdin,
      Env: rec.config.env,
      Cmd: rec.config.cmd,
      Entrypoint: rec.config.entrypoint.length ? rec.config.entrypoint : null,
      Image: rec.config.image,
      WorkingDir: rec.config.workingDir,
      Labels: rec.config.labels,
      StopSignal: rec.config.stopSignal,
      StopTimeout: rec.config.stopTimeout,
    },
    Berth: {
      MonitorPid: st.running ? rec.run?.monitorPid ?? 0 : 0,
      CgroupPaths: rec.run?.cgroupPaths ?? [],
    },
  };
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
}

export function summarize(rec: ContainerRecord, st: ContainerState, now = Date.now()): ContainerSummary {
  let status: string;
  if (st.running) {
    status = `Up ${humanDuration(now - Date.parse(rec.run!.startedAt))}${st.paused ? ' (Paused)' : ''}`;
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
    command: [...rec.config.entrypoint, ...rec.config.cmd].map(quoteArg).join(' '),
    created: rec.created,
    state: st.status,
    status,
    exitCode: st.exit?.exitCode,
    labels: rec.config.labels,
    pid: st.pid,
    startedAt: rec.run?.startedAt,
    finishedAt: st.exit?.finishedAt,
  };
}

const quoteArg = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
