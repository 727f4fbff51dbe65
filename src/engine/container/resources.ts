// A container's resource limits: checked at create (docker's rules, then what
// the host can enforce), applied at start, changed live by `update`.
import type { Layout } from '../store/layout.js';
import { BerthError, notFound } from '../errors.js';
import {
  ContainerCgroups, applyLimits, detectSupport, hasLimits, hostCpus, mergeLimits, resolveLimits, validateLimits,
  type ResourceLimits,
} from '../cgroup/index.js';
import { emitContainerEvent } from './events.js';
import { loadRecord, saveRecord, withContainerLock } from './records.js';
import { deriveState } from './state.js';
import type { ContainerRecord } from './types.js';

export type WarningSink = (message: string) => void;

/** Validates and resolves limits against this host; dropped ones are reported to `warn`. */
export function checkResources(r: ResourceLimits | undefined, warn: WarningSink = () => {}): ResourceLimits | undefined {
  if (!r || !hasLimits(r)) return undefined;
  validateLimits(r, hostCpus());
  const resolved = resolveLimits(r, detectSupport());
  for (const w of resolved.warnings) warn(w);
  return resolved.limits;
}

/** Writes the record's limits into freshly made cgroups (always called: on cgroup2 it also
 * turns on the controllers that accounting needs). */
export function applyRecordLimits(cg: ContainerCgroups, rec: ContainerRecord): void {
  applyLimits(cg, rec.config.resources ?? {}, detectSupport());
}

/** docker update: merges, validates, applies to the running container's cgroups, persists. */
export async function updateResources(layout: Layout, id: string, update: ResourceLimits, warn: WarningSink = () => {}): Promise<ContainerRecord> {
  const paths = layout.container(id);
  return withContainerLock(layout, id, () => {
    const rec = loadRecord(layout, id);
    if (!rec) throw notFound('container', id);
    const merged = mergeLimits(rec.config.resources, update);
    validateLimits(merged, hostCpus());
    const support = detectSupport();
    // resolve only what changes: an untouched memory-swap keeps its stored value
    const { limits: changed, warnings } = resolveLimits(update, support);
    for (const w of warnings) warn(w);
    if (update.memorySwap === undefined) delete changed.memorySwap; // create's 2× default is not an update's
    const next = mergeLimits(rec.config.resources, changed);
    if (update.memory !== undefined && update.memorySwap === undefined && next.memorySwap && next.memory && next.memorySwap > 0 && next.memory > next.memorySwap) {
      throw new BerthError('INVALID_ARGUMENT', 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    const st = deriveState(rec, paths);
    if (st.running && rec.run) {
      // only the fields given: rewriting the others could fail for no reason (memory in use)
      const live: ResourceLimits = {};
      for (const [k, v] of Object.entries(changed)) if (v !== undefined) (live as Record<string, unknown>)[k] = v;
      applyLimits(ContainerCgroups.fromDirs(rec.run.cgroupPaths), live, support);
    }
    rec.config.resources = hasLimits(next) ? next : undefined;
    saveRecord(layout, rec);
    emitContainerEvent(layout, rec, 'update');
    return rec;
  });
}
