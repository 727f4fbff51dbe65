// BuildKit's `RUN --mount=…` as the mounts of the step's container:
// type=cache (a directory kept under the store's builder/ across builds, by
// id or target), type=bind (read-only: a path of the context, or with from= of
// a stage or image, resolved in its own scope), type=tmpfs. The container's
// runtime mounts them in-root like any `--mount`; none of them ends up in the
// layer. What the cache key needs of each is returned with it.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { BerthError, invalid } from '../errors.js';
import type { MountRequest } from '../volume/index.js';
import type { Layout } from '../store/layout.js';
import type { ResolvedSources } from './sources.js';

export interface RunMount {
  request: MountRequest;
  /** What identifies the mount for the cache (a bind's content digest or image). */
  key: unknown;
  release(): Promise<void>;
}

export interface MountSources {
  /** A bind mount's source: the context's, or a stage's or image's root (from=). */
  resolve(source: string, from: string | undefined): Promise<ResolvedSources>;
}

export async function runMounts(layout: Layout, specs: string[], wd: string, src: MountSources): Promise<RunMount[]> {
  const out: RunMount[] = [];
  try {
    for (const spec of specs) out.push(await runMount(layout, spec, wd, src));
  } catch (e) {
    for (const m of out) await m.release();
    throw e;
  }
  return out;
}

async function runMount(layout: Layout, spec: string, wd: string, src: MountSources): Promise<RunMount> {
  const f = new Map<string, string>();
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    f.set((eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : field.slice(eq + 1));
  }
  const type = f.get('type') ?? 'bind';
  if (!['cache', 'bind', 'tmpfs'].includes(type)) {
    throw new BerthError('UNSUPPORTED', `mount ${spec}: type=${type} is not supported by berth yet (cache, bind and tmpfs are)`);
  }
  const rawTarget = f.get('target') ?? f.get('dst') ?? f.get('destination');
  if (!rawTarget) throw invalid(`mount ${spec}: target is required`);
  const target = posix.resolve(wd, rawTarget);
  const ro = ['ro', 'readonly'].some((k) => f.has(k) && f.get(k) !== 'false');
  switch (type) {
    case 'cache': {
      const id = f.get('id') ?? target;
      const dir = join(layout.root, 'builder', 'mounts', createHash('sha256').update(id).digest('hex'));
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        chmodSync(dir, f.has('mode') ? parseInt(f.get('mode')!, 8) : 0o755);
        chownSync(dir, Number(f.get('uid') ?? 0), Number(f.get('gid') ?? 0));
      }
      return { request: { type: 'bind', source: dir, target, readonly: ro, options: [] }, key: { cache: id, target, ro }, release: async () => undefined };
    }
    case 'tmpfs':
      return { request: { type: 'tmpfs', source: '', target, readonly: false, options: f.has('size') ? [`size=${f.get('size')}`] : [] }, key: { tmpfs: target }, release: async () => undefined };
    case 'bind': {
      if (f.has('rw') && f.get('rw') !== 'false') throw new BerthError('UNSUPPORTED', `mount ${spec}: rw bind mounts are not supported by berth yet`);
      const source = f.get('source') ?? f.get('src') ?? '/';
      const resolved = await src.resolve(source, f.get('from'));
      return {
        request: { type: 'bind', source: resolved.sources[0].path, target, readonly: true, options: [] },
        key: { bind: source, target, digest: resolved.digest, from: resolved.fromId },
        release: resolved.release,
      };
    }
  }
  throw new BerthError('INTERNAL', `mount type ${type}`);
}
