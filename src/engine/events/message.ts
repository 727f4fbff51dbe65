// A line of events.jsonl as docker's API hands out an event (events.Message):
// what `--format` templates see (.Type, .Action, .Actor.ID, .Actor.Attributes,
// .TimeNano; `{{json .}}` with docker's JSON names), and docker's default text
// line (cli/command/system/events.go prettyPrintEvent: local time with nine
// fraction digits, type, action, actor ID, sorted attributes).
import { goJsonTags, goMap, goStruct } from '../template/index.js';
import type { EngineEvent } from './index.js';

export interface EventMessage {
  Status?: string;
  ID?: string;
  From?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  Scope: string;
  Time: bigint;
  TimeNano: bigint;
}

/** The event's instant in nanoseconds since the epoch. */
export function eventNs(ev: EngineEvent): bigint {
  if (ev.timeNano && /^\d+$/.test(ev.timeNano)) return BigInt(ev.timeNano);
  const ms = Date.parse(ev.time);
  return Number.isNaN(ms) ? 0n : BigInt(ms) * 1_000_000n;
}

/** The actor's attributes: what the engine recorded, the name included (as docker's). */
export function eventAttributes(ev: EngineEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ev.attributes ?? {})) out[k] = String(v);
  if (ev.name !== undefined && out.name === undefined) out.name = ev.name;
  return out;
}

export function toMessage(ev: EngineEvent): EventMessage {
  const ns = eventNs(ev);
  const attributes = eventAttributes(ev);
  // docker's daemon fills the deprecated status/id/from for containers and images only
  const legacy = ev.type === 'container' || ev.type === 'image';
  const msg: EventMessage = {
    Status: legacy ? ev.action : undefined,
    ID: legacy ? ev.id : undefined,
    From: ev.type === 'container' ? attributes.image : undefined,
    Type: ev.type,
    Action: ev.action,
    Actor: goStruct({ ID: ev.id, Attributes: goMap(attributes) }, 'events.Actor'),
    Scope: 'local',
    Time: ns / 1_000_000_000n,
    TimeNano: ns,
  };
  return goJsonTags(goStruct(msg, 'events.Message'), {
    Status: 'status,omitempty', ID: 'id,omitempty', From: 'from,omitempty', Scope: 'scope',
    Time: 'time,omitempty', TimeNano: 'timeNano,omitempty',
  });
}

/** docker's default line: `2026-12-02T03:04:05.123456789Z container start ID (image=bb, name=x)`. */
export function eventLine(msg: EventMessage): string {
  const attrs = Object.keys(msg.Actor.Attributes).sort().map((k) => `${k}=${msg.Actor.Attributes[k]}`);
  return `${localStamp(msg.TimeNano)} ${msg.Type} ${msg.Action} ${msg.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

/** Go's RFC3339NanoFixed in the local zone ("Z" for UTC, as Go prints it). */
function localStamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const offMin = -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offMin * 60_000).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  if (offMin === 0) return `${local}.${frac}Z`;
  const a = Math.abs(offMin);
  return `${local}.${frac}${offMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}
