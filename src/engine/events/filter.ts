// docker's `events --filter` (daemon/events/filter.go): values of one key OR-ed,
// keys AND-ed. container=, volume=, network= (and docker's other actor kinds)
// match the actor's ID or name by prefix, whatever the event's type, as docker's
// fuzzyMatchName; event= is exact (a prefix for exec_create / exec_start, whose
// action carries the command); image= is the actor's image (or, for an image
// event, its name) with or without its tag; label=KEY[=VALUE] are the actor's
// attributes (a container's labels are among them), all of them must hold.
import { exactMatch, matchLabels, parseFilters, type Filters } from '../filters.js';
import { familiarName, parseReference } from '../image/index.js';
import type { EventMessage } from './message.js';

export type EventFilters = Filters;

const ACTOR_KEYS = ['container', 'volume', 'network', 'plugin', 'service', 'node', 'secret', 'config', 'daemon'] as const;
const ACCEPTED = [...ACTOR_KEYS, 'event', 'type', 'image', 'label', 'scope'];

export const parseEventFilters = (flags: string[] | undefined): EventFilters => parseFilters(flags, ACCEPTED);

export function eventMatches(f: EventFilters, ev: EventMessage): boolean {
  return matchAction(f.get('event'), ev.Action) &&
    exactMatch(f.get('type'), ev.Type) &&
    exactMatch(f.get('scope'), ev.Scope) &&
    ACTOR_KEYS.every((k) => fuzzyMatch(f.get(k), ev.Actor.ID) || fuzzyMatch(f.get(k), ev.Actor.Attributes.name ?? '')) &&
    matchImage(f.get('image'), ev) &&
    matchLabels(f.get('label'), ev.Actor.Attributes);
}

/** FuzzyMatch: no values = everything; else a value equal to the source or a prefix of it. */
function fuzzyMatch(values: string[] | undefined, source: string): boolean {
  return !values?.length || values.some((v) => source.startsWith(v));
}

// docker #25798: these actions carry ": CMD" (health_status ": healthy"), so a bare name matches by prefix
const PREFIXED = ['exec_create', 'exec_start', 'health_status'];

function matchAction(values: string[] | undefined, action: string): boolean {
  if (values?.some((v) => PREFIXED.includes(v))) return fuzzyMatch(values, action);
  return exactMatch(values, action);
}

function matchImage(values: string[] | undefined, ev: EventMessage): boolean {
  if (!values?.length) return true;
  const name = ev.Actor.Attributes[ev.Type === 'image' ? 'name' : 'image'] ?? '';
  return [ev.Actor.ID, name, stripTag(ev.Actor.ID), stripTag(name)].some((s) => values.includes(s));
}

/** The reference's familiar name without tag or digest; what does not parse stays as it is. */
function stripTag(ref: string): string {
  try {
    return familiarName(parseReference(ref));
  } catch {
    return ref;
  }
}
