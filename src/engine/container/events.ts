// A container's event as docker's daemon logs it (LogContainerEventWithAttributes):
// the action's own attributes, then the container's labels over them, then its
// image (as given at create) and name, so filters on label=, image= and
// container=NAME work on every container event.
import type { Layout } from '../store/layout.js';
import { emitEvent } from '../events/index.js';
import type { ContainerRecord } from './types.js';

export function emitContainerEvent(layout: Layout, rec: ContainerRecord, action: string, extra: Record<string, string | number> = {}): void {
  const attributes = { ...extra, ...rec.config.labels, image: rec.config.image, name: rec.name };
  emitEvent(layout, { type: 'container', action, id: rec.id, name: rec.name, attributes });
}

/** die's attributes: the exit code and docker's execDuration (whole seconds the run lasted). */
export function dieAttributes(rec: ContainerRecord, exit: { exitCode: number; finishedAt: string }): Record<string, string | number> {
  const ran = rec.run ? Date.parse(exit.finishedAt) - Date.parse(rec.run.startedAt) : NaN;
  return Number.isFinite(ran) ? { exitCode: exit.exitCode, execDuration: Math.max(0, Math.floor(ran / 1000)) } : { exitCode: exit.exitCode };
}
