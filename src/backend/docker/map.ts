// Docker Engine API documents in the shapes the workstation draws (the engine's
// ContainerSummary, EngineEvent): list entries of dockerd, podman and berth's own
// service alike. Nothing is invented: a field the API does not give stays absent.
import type { ContainerSummary, ContainerStatus } from '../../engine/container/index.js';
import type { EngineEvent } from '../../engine/events/index.js';

/** GET /containers/json's entry. */
export interface ApiContainer {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  State: string;
  Status: string;
  Labels?: Record<string, string> | null;
  Mounts?: Array<{ Type: string; Name?: string; Source: string; Destination: string }> | null;
  NetworkSettings?: { Networks?: Record<string, unknown> | null } | null;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }> | null;
}

const STATES: readonly string[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function toSummary(c: ApiContainer): ContainerSummary {
  const exit = /^Exited \((-?\d+)\)/.exec(c.Status);
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', '');
  const s: ContainerSummary = {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
    image: c.Image,
    imageId: c.ImageID,
    command: c.Command,
    created: new Date(c.Created * 1000).toISOString(),
    state: (STATES.includes(c.State) ? c.State : 'dead') as ContainerStatus,
    status: c.Status,
    labels: c.Labels ?? {},
    pid: 0, // not in docker's list; inspect has it
    mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, name: m.Name, source: m.Source, target: m.Destination })),
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    ports: (c.Ports ?? []).map((p) => ({ ip: p.IP, privatePort: p.PrivatePort, publicPort: p.PublicPort, proto: p.Type })),
  };
  if (exit) s.exitCode = Number(exit[1]);
  if (health) s.health = health;
  return s;
}

/** GET /events' message (docker's and podman's compat form). */
export interface ApiEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

const TYPES: readonly string[] = ['container', 'image', 'volume', 'network'];

export function toEvent(e: ApiEvent): EngineEvent | undefined {
  const type = e.Type ?? 'container';
  if (!TYPES.includes(type)) return undefined;
  const id = e.Actor?.ID ?? e.id ?? '';
  const attributes = e.Actor?.Attributes ?? {};
  const ms = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000;
  return { time: new Date(ms).toISOString(), type: type as EngineEvent['type'], action: e.Action ?? e.status ?? '', id, name: attributes.name, attributes };
}

/** RFC 3339 with nanoseconds ("2026-12-02T07:00:00.123456789Z") as nanoseconds since the epoch. */
export function stampNs(stamp: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (!m) return 0n;
  const secs = BigInt(Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000));
  return secs * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0').slice(0, 9) || '0');
}
