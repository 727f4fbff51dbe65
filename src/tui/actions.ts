// What the keyboard can do, as calls on the engine: one function per action,
// each taking the IDs it applies to (the marked rows, or the selected one) and
// returning a short report for the status line. Errors are thrown to the
// caller, which shows them; nothing here touches the screen.
import type { Backend } from '../backend/index.js';
import { createProgress, policyFrom, type ProgressSink } from '../engine/registry/index.js';
import { toCreateOptions, type RunFields } from './model/run-spec.js';

export type ContainerVerb = 'start' | 'stop' | 'restart' | 'kill' | 'pause' | 'remove';

/** Runs `verb` on each container; returns "stopped 2" or throws the first error after trying all. */
export async function containerAction(engine: Backend, verb: ContainerVerb, ids: string[], opts: { force?: boolean } = {}): Promise<string> {
  const errors: string[] = [];
  let done = 0;
  await Promise.all(ids.map(async (id) => {
    try {
      const c = engine.containers;
      switch (verb) {
        case 'start': await c.start(id); break;
        case 'stop': await c.stop(id); break;
        case 'restart': await c.restart(id); break;
        case 'kill': await c.killByUser(id, 'SIGKILL'); break; // as the CLI's kill: ends the restart policy
        case 'pause': {
          if ((await c.summary(id)).state === 'paused') await c.unpause(id); else await c.pause(id);
          break;
        }
        case 'remove': await c.remove(id, { force: opts.force }); break; // without force a running one is refused, as rm
      }
      done++;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }));
  if (errors.length) throw new Error(errors.join('; '));
  const past: Record<ContainerVerb, string> = { start: 'started', stop: 'stopped', restart: 'restarted', kill: 'killed', pause: 'paused/unpaused', remove: 'removed' };
  return `${past[verb]} ${done} container${done === 1 ? '' : 's'}`;
}

/** Creates and starts a container from the run form; returns its name. */
/** The run form: pulls the image first when it is not in the store (docker's default). */
export async function runContainer(engine: Backend, fields: RunFields, onPull?: (ref: string) => void): Promise<{ id: string; name: string }> {
  if (await engine.needsPull(fields.image)) {
    onPull?.(fields.image);
    await engine.registry.pull(fields.image, { policy: policyFrom(), progress: createProgress('quiet') });
  }
  const warnings: string[] = [];
  const rec = await engine.containers.create({ ...toCreateOptions(fields), onWarning: (m) => warnings.push(m) });
  await engine.containers.start(rec.id);
  return { id: rec.id, name: rec.name };
}

/** rmi [-f] of each reference; says what was deleted and what only lost a tag. */
export async function removeImages(engine: Backend, refs: string[], force = false): Promise<string> {
  const errors: string[] = [];
  let deleted = 0, untagged = 0;
  for (const ref of refs) {
    try {
      const r = await engine.removeImage(ref, { force });
      if (r.deleted.length) deleted++; else untagged++;
    } catch (e) { errors.push((e as Error).message); }
  }
  if (errors.length) throw new Error(errors.join('; '));
  const n = (k: number, what: string): string => `${what} ${k} image${k === 1 ? '' : 's'}`;
  return [deleted || !untagged ? n(deleted, 'removed') : '', untagged ? n(untagged, 'untagged') : ''].filter(Boolean).join(', ');
}

export async function removeVolumes(engine: Backend, names: string[], force = false): Promise<string> {
  const errors: string[] = [];
  for (const n of names) {
    try { await engine.removeVolume(n, { force }); } catch (e) { errors.push((e as Error).message); }
  }
  if (errors.length) throw new Error(errors.join('; '));
  return `removed ${names.length} volume${names.length === 1 ? '' : 's'}`;
}

/** What the pull dialog shows: docker's per-layer lines, kept as state. */
export class PullProgress implements ProgressSink {
  readonly header: string[] = [];
  readonly layers = new Map<string, string>();
  done = false;
  error?: string;
  result?: string;
  constructor(readonly ref: string, private readonly changed: () => void) {}
  line(text: string): void { this.header.push(text); this.changed(); }
  status(digest: string, text: string, bytes?: { done: number; total?: number }): void {
    const bar = bytes ? ` ${bytes.total ? `${Math.floor((bytes.done / bytes.total) * 100)}% of ${fmt(bytes.total)}` : fmt(bytes.done)}` : '';
    this.layers.set(digest.replace(/^sha256:/, '').slice(0, 12), `${text}${bar}`);
    this.changed();
  }
  end(): void { this.changed(); }
  lines(): string[] {
    return [...this.header, ...[...this.layers].map(([id, t]) => `${id}: ${t}`), ...(this.result ? [this.result] : []), ...(this.error ? [`error: ${this.error}`] : [])];
  }
}

const fmt = (n: number): string => {
  const u = ['B', 'kB', 'MB', 'GB'];
  let i = 0; let v = n;
  while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(3))}${u[i]}`;
};

export async function pullImage(engine: Backend, ref: string, progress: PullProgress): Promise<void> {
  try {
    const r = await engine.registry.pull(ref, { policy: policyFrom(), progress });
    progress.result = `${r.changed ? 'Downloaded newer image' : 'Image is up to date'}: ${ref} (${r.digest.slice(0, 19)}…)`;
  } catch (e) {
    progress.error = (e as Error).message;
    throw e;
  } finally {
    progress.done = true;
    progress.end();
  }
}
