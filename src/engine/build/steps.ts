// The steps that change files: RUN (a berth container with the engine's own
// runtime and isolation, its upper directory the layer), COPY and ADD (files
// placed through a scratch overlay of the parent, in-root, never following a
// link out of the context or the image), and WORKDIR's directory. Each returns
// where its changes are; the builder commits them (commit.ts) and disposes.
import { existsSync, lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { BerthError, invalid } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { BUILD_OWNER_LABEL, buildOwner, type ContainerService } from '../container/index.js';
import type { MountRequest } from '../volume/index.js';
import { copyIntoRoot, isDirInRoot, mkdirInRoot, unpackIntoRoot, type CopyPolicy } from '../copy/index.js';
import { resolveUser } from '../runtime/index.js';
import type { Heredoc } from './parse.js';
import { mountScratch, type ScratchRoot } from './rootfs.js';
import { archiveOf, decompressed, type ArchiveKind } from './archive.js';
import { crashPoint } from '../crash-point.js';

export interface Changes {
  upper: string;
  lowerDirs: string[];
  /** Nothing changed: the step makes no layer. */
  empty: boolean;
  dispose(): Promise<void>;
}

export interface RunStep {
  imageId: string;
  argv: string[];
  env: string[];
  user?: string;
  workingDir?: string;
  network: string;
  output: (data: Buffer) => void;
  signal?: AbortSignal;
  /** RUN --mount (run-mounts.ts). */
  mounts?: MountRequest[];
}

/** Runs the command in a container made from the parent image; the container is gone afterwards whatever happens. */
export async function runStep(layout: Layout, containers: ContainerService, s: RunStep): Promise<Changes> {
  const rec = await containers.create({
    image: s.imageId, cmd: s.argv, entrypoint: '', env: s.env, user: s.user, workingDir: s.workingDir,
    network: { mode: s.network === 'default' ? 'bridge' : s.network }, mounts: s.mounts, noImageVolumes: true,
    labels: { [BUILD_OWNER_LABEL]: buildOwner(layout) },
  });
  const remove = () => containers.remove(rec.id, { force: true }).catch(() => undefined);
  // a cancelled build kills the step's container; the wait below then returns and the step fails
  const kill = () => { containers.killByUser(rec.id, 'SIGKILL').catch(() => undefined); };
  s.signal?.addEventListener('abort', kill, { once: true });
  try {
    if (s.signal?.aborted) throw cancelled();
    // collected here under the attach lock: the monitor then skips its exit hook (a node start-up per RUN)
    const code = await containers.attached(rec.id, async () => {
      await containers.start(rec.id);
      crashPoint('build:step-started');
      if (s.signal?.aborted) kill();
      for await (const r of containers.logs(rec.id, { follow: true })) s.output(Buffer.concat([r.data, Buffer.from('\n')]));
      return containers.wait(rec.id);
    });
    if (s.signal?.aborted) throw cancelled();
    if (code !== 0) {
      throw new BerthError('INVALID_ARGUMENT', `process "${s.argv.join(' ')}" did not complete successfully: exit code: ${code}`);
    }
  } catch (e) {
    await remove();
    throw e;
  } finally {
    s.signal?.removeEventListener('abort', kill);
  }
  const upper = layout.container(rec.id).upper;
  removeMountStubs(upper, rec.lowerDirs, (s.mounts ?? []).map((m) => m.target));
  return { upper, lowerDirs: rec.lowerDirs, empty: false, dispose: remove };
}

/**
 * The mount points the runtime made for the step's mounts (an empty file or
 * directory, and parents made for it) that the image did not have: removed
 * from the layer, as BuildKit removes its mount stubs, so a secret's or a
 * cache's mount point does not show in the image. The step's processes are
 * gone by now, and a path through a symlink in the upper directory is never
 * followed: nothing outside it is touched.
 */
function removeMountStubs(upper: string, lowerDirs: string[], targets: string[]): void {
  for (const target of targets) {
    const parts = posix.normalize(target).split('/').filter(Boolean);
    // every parent a real directory of the upper dir, never a link
    const safe = parts.slice(0, -1).every((_, i) => {
      try { const st = lstatSync(`${upper}/${parts.slice(0, i + 1).join('/')}`); return st.isDirectory(); } catch { return false; }
    });
    if (!safe) continue;
    for (let n = parts.length; n > 0; n--) {
      const rel = parts.slice(0, n).join('/');
      if (lowerDirs.some((d) => existsSync(`${d}/${rel}`))) break;
      let st;
      try { st = lstatSync(`${upper}/${rel}`); } catch { break; }
      const empty = st.isDirectory() ? readdirSync(`${upper}/${rel}`).length === 0 : st.isFile() && st.size === 0;
      if (!empty) break;
      if (st.isDirectory()) rmdirSync(`${upper}/${rel}`);
      else unlinkSync(`${upper}/${rel}`);
    }
  }
}

export const cancelled = (): BerthError => new BerthError('INTERNAL', 'failed to solve: Canceled: context canceled');

export interface CopySource {
  /** Host path (resolved in its scope, never a symlink) and the name it was given by. */
  path: string;
  rel: string;
  /** ADD's URL: never unpacked. */
  remote?: boolean;
}

export interface CopyStep {
  lowerDirs: string[];
  /** Resolved sources, or heredocs. */
  sources: CopySource[];
  heredocs: Heredoc[];
  /** The destination as written, made absolute against WORKDIR. */
  dest: string;
  destIsDir: boolean;
  chown?: string;
  chmod?: string;
  /** ADD: a local tar (plain, gzip, bzip2 or xz: archive.ts) is unpacked into the destination. */
  extract: boolean;
  /** .dockerignore for entries under a copied directory (context-relative). */
  skip?: (rel: string) => boolean;
}

export async function copyStep(layout: Layout, c: CopyStep): Promise<Changes> {
  const scratch = await mountScratch(layout, c.lowerDirs);
  try {
    const owner = c.chown !== undefined ? chownIds(c.lowerDirs, c.chown) : undefined;
    const mode = c.chmod !== undefined ? chmodBits(c.chmod) : undefined;
    const policy: CopyPolicy = { preserveOwner: false, stripSetid: false, owner, mode, keepHardlinks: true };
    const intoDir = c.destIsDir || (await isDirInRoot(scratch.root, c.dest));
    for (const h of c.heredocs) {
      const dest = intoDir ? posix.join(c.dest, h.name) : c.dest;
      await mkdirInRoot(scratch.root, posix.dirname(dest), owner);
      await placeBytes(scratch, dest, Buffer.from(h.content), policy);
    }
    for (const s of c.sources) {
      const st = lstatSync(s.path);
      let kind: ArchiveKind | undefined;
      if (st.isDirectory()) {
        const top = s.rel;
        await copyIntoRoot(s.path, scratch.root, c.dest, { ...policy, skip: c.skip && ((shown) => c.skip!(top ? `${top}/${shown}` : shown)) });
      } else if (c.extract && !s.remote && st.isFile() && (kind = await archiveOf(s.path))) {
        await unpackIntoRoot(decompressed(s.path, kind), scratch.root, c.dest, { ...policy, preserveOwner: !owner, owner });
      } else {
        // named as written: a source that is a link keeps its own name, not its target's
        const dest = intoDir ? posix.join(c.dest, posix.basename(s.rel)) : c.dest;
        await copyIntoRoot(s.path, scratch.root, dest, policy);
      }
    }
    scratch.unmount();
    return { upper: scratch.upper, lowerDirs: scratch.lowerDirs, empty: await scratch.unchanged(), dispose: scratch.dispose };
  } catch (e) {
    await scratch.dispose();
    throw e;
  }
}

/** WORKDIR's directory, made when missing (empty = it was there), owned by the stage's USER. */
export async function workdirStep(layout: Layout, lowerDirs: string[], dir: string, user?: string): Promise<Changes> {
  const scratch = await mountScratch(layout, lowerDirs);
  try {
    const owner = user ? resolveUser(lowerDirs, user) : undefined;
    await mkdirInRoot(scratch.root, dir, owner && { uid: owner.uid, gid: owner.gid });
    scratch.unmount();
    return { upper: scratch.upper, lowerDirs: scratch.lowerDirs, empty: await scratch.unchanged(), dispose: scratch.dispose };
  } catch (e) {
    await scratch.dispose();
    throw e;
  }
}

async function placeBytes(scratch: ScratchRoot, dest: string, data: Buffer, policy: CopyPolicy): Promise<void> {
  // through a host file in the scratch's own directory, then the same in-root copy as any source
  const tmp = `${scratch.upper}/../heredoc`;
  await writeFile(tmp, data, { mode: 0o644 });
  await copyIntoRoot(tmp, scratch.root, dest, policy);
}

/** --chown=USER[:GROUP] against the image's passwd and group files; a lone number is uid and gid alike. */
function chownIds(lowerDirs: string[], spec: string): { uid: number; gid: number } {
  if (/^\d+$/.test(spec)) return { uid: Number(spec), gid: Number(spec) };
  const u = resolveUser(lowerDirs, spec);
  return { uid: u.uid, gid: u.gid };
}

function chmodBits(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw invalid(`invalid chmod parameter ${spec}`);
  return parseInt(spec, 8);
}
