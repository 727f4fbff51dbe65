// BuildKit's `RUN --mount=…` as the mounts of the step's container:
// type=cache (a directory kept under the store's builder/ across builds, by
// id or target), type=bind (a path of the context, or with from= of a stage or
// image, resolved in its own scope; read-only, or with rw a scratch copy whose
// writes are dropped after the step, as BuildKit's), type=tmpfs, type=secret
// and type=ssh (secrets.ts). The container's runtime mounts them in-root like
// any `--mount`; none of them ends up in the layer. What the cache key needs
// of each is returned with it (never a secret's content).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import { tmpPath } from '../store/tmp.js';
import { fields, readSecret, stageSecret, type SecretSource, type SshSource } from './secrets.js';
import { BerthError, invalid } from '../errors.js';
import type { MountRequest } from '../volume/index.js';
import type { Layout } from '../store/layout.js';
import type { ResolvedSources } from './sources.js';

export interface RunMount {
  /** None: an optional secret or ssh agent that was not given (the step runs without it). */
  request?: MountRequest;
  /** Environment the step gets with the mount (SSH_AUTH_SOCK). */
  env?: string;
  /** What identifies the mount for the cache (a bind's content digest or image). */
  key: unknown;
  release(): Promise<void>;
}

export interface MountSources {
  /** A bind mount's source: the context's, or a stage's or image's root (from=). */
  resolve(source: string, from: string | undefined): Promise<ResolvedSources>;
  /** `--secret` and `--ssh` of the build, by id. */
  secret(id: string): SecretSource | undefined;
  ssh(id: string): SshSource | undefined;
}

export async function runMounts(layout: Layout, specs: string[], wd: string, src: MountSources): Promise<RunMount[]> {
  const out: RunMount[] = [];
  let agents = 0;
  try {
    for (const spec of specs) out.push(await runMount(layout, spec, wd, src, () => agents++));
  } catch (e) {
    for (const m of out) await m.release();
    throw e;
  }
  return out;
}

async function runMount(layout: Layout, spec: string, wd: string, src: MountSources, agentIndex: () => number): Promise<RunMount> {
  const f = fields(spec);
  const type = f.get('type') ?? 'bind';
  if (!['cache', 'bind', 'tmpfs', 'secret', 'ssh'].includes(type)) {
    throw new BerthError('UNSUPPORTED', `mount ${spec}: type=${type} is not supported by berth yet (cache, bind, tmpfs, secret and ssh are)`);
  }
  if (type === 'secret' || type === 'ssh') return agentMount(layout, spec, type, f, wd, src, agentIndex);
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
      const rw = ['rw', 'readwrite'].some((k) => f.has(k) && f.get(k) !== 'false');
      const source = f.get('source') ?? f.get('src') ?? '/';
      const resolved = await src.resolve(source, f.get('from'));
      const key = { bind: source, target, digest: resolved.digest, from: resolved.fromId, rw };
      if (!rw) return { request: { type: 'bind', source: resolved.sources[0].path, target, readonly: true, options: [] }, key, release: resolved.release };
      // rw: the step writes into a copy, dropped afterwards (the context and the source stage stay as they were)
      const scratch = tmpPath(layout, 'build-bind');
      try {
        mkdirSync(scratch, { mode: 0o700 });
        await promisify(execFile)('cp', ['-a', '--', resolved.sources[0].path, `${scratch}/src`]);
      } catch (e) {
        rmSync(scratch, { recursive: true, force: true });
        await resolved.release();
        throw new BerthError('INTERNAL', `mount ${spec}: cannot copy the source: ${(e as Error).message.split('\n')[0]}`);
      }
      return {
        request: { type: 'bind', source: `${scratch}/src`, target, readonly: false, options: [] }, key,
        release: async () => { rmSync(scratch, { recursive: true, force: true }); await resolved.release(); },
      };
    }
  }
  throw new BerthError('INTERNAL', `mount type ${type}`);
}

/** type=secret (a file, mode 0400 root's by default, at /run/secrets/ID) and type=ssh (the agent socket in SSH_AUTH_SOCK). */
function agentMount(layout: Layout, spec: string, type: 'secret' | 'ssh', f: Map<string, string>, wd: string, src: MountSources, agentIndex: () => number): RunMount {
  const required = f.has('required') && f.get('required') !== 'false';
  const rawTarget = f.get('target') ?? f.get('dst') ?? f.get('destination');
  if (f.has('env')) throw new BerthError('UNSUPPORTED', `mount ${spec}: a secret as an environment variable (env=) is not supported by berth yet`);
  const id = f.get('id') ?? (type === 'ssh' ? 'default' : rawTarget ? posix.basename(rawTarget) : undefined);
  if (!id) throw invalid(`mount ${spec}: one of id or target is required for a secret`);
  const target = posix.resolve(wd, rawTarget ?? (type === 'ssh' ? `/run/buildkit/ssh_agent.${agentIndex()}` : `/run/secrets/${id}`));
  const mode = f.has('mode') ? parseInt(f.get('mode')!, 8) : type === 'ssh' ? 0o600 : 0o400;
  const uid = Number(f.get('uid') ?? 0);
  const gid = Number(f.get('gid') ?? 0);
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || Number.isNaN(mode) || mode > 0o7777) throw invalid(`mount ${spec}: invalid uid, gid or mode`);
  const key = { [type]: id, target, mode, uid, gid };
  if (type === 'ssh') {
    const agent = src.ssh(id);
    if (!agent) {
      if (required) throw invalid(`no SSH key "${id}" forwarded from the client: use --ssh ${id}`);
      return { key, release: async () => undefined };
    }
    return { request: { type: 'bind', source: agent.socket, target, readonly: false, options: [] }, env: `SSH_AUTH_SOCK=${target}`, key, release: async () => undefined };
  }
  const data = readSecret(src.secret(id));
  if (!data) {
    if (required) throw invalid(`secret ${id}: not found`);
    return { key, release: async () => undefined };
  }
  const staged = stageSecret(layout, data, mode, uid, gid);
  return { request: { type: 'bind', source: staged.path, target, readonly: true, options: [] }, key, release: staged.release };
}
