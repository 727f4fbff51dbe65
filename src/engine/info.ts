// `info`: what this engine is and runs on.
import { cpus, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { cgroupMode, detectSupport, type CgroupSupport } from './cgroup/index.js';
import { join } from 'node:path';
import { monitorPath, packageRoot } from '../native/index.js';
import type { Layout } from './store/layout.js';
import type { ContainerService } from './container/index.js';
import { hostArchitecture, type ImageStore } from './image/index.js';
import { checkSystem } from './check/index.js';

export interface EngineInfo {
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  CgroupMode: string;
  /** Which limits berth can enforce here and where: "memory (v1)", ...; what is absent cannot be. */
  CgroupLimits: string[];
  KernelVersion: string;
  OperatingSystem: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  RootDir: string;
  /** docker's form: "name=seccomp,profile=builtin", "name=no-new-privileges" (berth's default). */
  SecurityOptions: string[];
  Monitor: string;
  ServerVersion: string;
  /** What a quick `system check` finds (no blob hashing): one line each. */
  Problems: string[];
}

export async function engineInfo(layout: Layout, containers: ContainerService, images: ImageStore): Promise<EngineInfo> {
  const list = containers.list({ all: true });
  const mode = cgroupMode();
  let os = 'Linux';
  try {
    os = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch { /* no os-release */ }
  return {
    Containers: list.length,
    ContainersRunning: list.filter((c) => c.state === 'running').length,
    ContainersPaused: list.filter((c) => c.state === 'paused').length,
    ContainersStopped: list.filter((c) => c.state !== 'running' && c.state !== 'paused').length,
    Images: (await images.list()).length,
    Driver: 'overlay',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: mode === 'unified' ? '2' : '1',
    CgroupMode: mode,
    CgroupLimits: describeSupport(detectSupport()),
    KernelVersion: release(),
    OperatingSystem: os,
    OSType: 'linux',
    Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
    NCPU: cpus().length,
    MemTotal: totalmem(),
    RootDir: layout.root,
    SecurityOptions: securityOptions(),
    Monitor: monitorPath,
    ServerVersion: berthVersion(),
    Problems: (await checkSystem(layout, images, containers, { quick: true })).map((f) => `${f.what}: ${f.problem}`),
  };
}

/** berth's release (package.json): the engine is the CLI's own code, so one version names both. */
export function berthVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** `version`: what docker reports of its engine, for an engine that is a library in this process. */
export interface EngineVersion { Version: string; Os: string; Arch: string; KernelVersion: string; NodeVersion: string }

export function engineVersion(): EngineVersion {
  return { Version: berthVersion(), Os: 'linux', Arch: hostArchitecture(), KernelVersion: release(), NodeVersion: process.versions.node };
}

/** What every container gets unless its --security-opt says otherwise. */
function securityOptions(): string[] {
  let seccomp = false;
  try {
    seccomp = /^Seccomp:/m.test(readFileSync('/proc/self/status', 'utf8'));
  } catch { /* no procfs: say nothing */ }
  return [...(seccomp ? ['name=seccomp,profile=builtin'] : []), 'name=no-new-privileges'];
}

/** "memory (v1)", "cpu (v2)", ... for every limit kind the host supports. */
function describeSupport(s: CgroupSupport): string[] {
  const kinds = ['memory', 'swap', 'cpu', 'cpuset', 'pids', 'blkioWeight'] as const;
  return kinds.flatMap((k) => (s[k] ? [`${k} (${s[k]})`] : []));
}
