// Unpacked layers: layers/<chainHex>/diff (the files) + layer.json. A layer is
// keyed by its chain ID (OCI image spec, config.md "Layer ChainID"):
//   ChainID(L0) = DiffID(L0);  ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln))
// so the same diff on top of different parents is a different directory, and the
// same stack shared by two images is unpacked once.
//
// A layer is unpacked into a private temp dir (layout.tmpDir) outside any lock,
// then renamed into place under the images lock: a layer directory that exists is
// always complete, and one already present is never unpacked again.
import { constants, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { syncfs } from '../../native/index.js';
import { fsyncDir, readJson } from '../store/atomic.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';
import { digestHex, sha256Digest } from './digest.js';
import { unpackLayer, type UnpackOptions } from './unpack.js';

export interface LayerRecord {
  chainId: string;
  diffId: string;
  /** Chain ID of the layer below, null for a base layer. */
  parent: string | null;
  /** Bytes of regular-file content (docker's layer size). */
  size: number;
}

export interface PrepareOptions extends UnpackOptions {
  /** The parent is itself prepared but not committed yet (a multi-layer pull
   * unpacks its layers side by side); the caller commits them base first. */
  parentPending?: boolean;
  /** The caller flushes the filesystem once itself (syncFilesystem) before committing
   * any of its layers: a pull of N layers then costs one syncfs, not N. */
  deferSync?: boolean;
}

export function chainIdOf(parent: string | null, diffId: string): string {
  return parent === null ? diffId : sha256Digest(`${parent} ${diffId}`);
}

/** A layer unpacked (or found present) and ready to be made visible. */
export interface PreparedLayer {
  readonly record: LayerRecord;
  /** Makes the layer visible in the store; call under the images lock. With `syncDir: false`
   * the caller fsyncs the layers directory once itself (LayerStore.syncDir) after committing
   * several, before anything that names them is written. */
  commit(opts?: { syncDir?: boolean }): Promise<void>;
  /** Removes the temp dir if it was not committed; safe to call always. */
  discard(): Promise<void>;
}

export class LayerStore {
  /** `warn` gets one line per unpacked layer that had device nodes (skipped: see unpack.ts). */
  constructor(private readonly layout: Layout, private readonly warn: (message: string) => void = () => {}) {}

  has(chainId: string): boolean {
    return existsSync(join(this.layout.layer(digestHex(chainId)), 'layer.json'));
  }

  get(chainId: string): LayerRecord {
    const rec = readJson<LayerRecord>(join(this.layout.layer(digestHex(chainId)), 'layer.json'));
    if (!rec) throw new BerthError('CORRUPT', `layer ${chainId} is missing from the store`);
    return rec;
  }

  diffDir(chainId: string): string {
    return this.layout.layerDiff(digestHex(chainId));
  }

  /**
   * Unpacks the layer with diff `diffId` on top of `parent`, unless the store has
   * it already. `open` supplies the uncompressed tar; what it yields must hash to
   * `diffId` (CORRUPT otherwise).
   */
  async prepare(parent: string | null, diffId: string, open: () => Readable, opts: PrepareOptions = {}): Promise<PreparedLayer> {
    const chainId = chainIdOf(parent, diffId);
    if (parent !== null && !opts.parentPending && !this.has(parent)) throw new BerthError('CORRUPT', `parent layer ${parent} is missing from the store`);
    let tmp: string | undefined;
    let record: LayerRecord | undefined;
    if (!this.has(chainId)) ({ tmp, record } = await this.unpackToTemp(parent, diffId, open, opts));
    // It was present when we looked and has been removed since (rare): unpack it again at
    // commit, and sync it there — the caller's deferred sync has already happened.
    return this.pending(chainId, tmp, record ?? this.get(chainId), () => this.unpackToTemp(parent, diffId, open, { ...opts, deferSync: false }));
  }

  /**
   * Unpacks `source`, whose diffID is whatever it hashes to (import reads its input once,
   * so it cannot ask the store first); when the store turns out to have that layer
   * already, commit keeps the stored one and the unpacked copy is discarded.
   */
  async prepareUnknown(source: Readable, opts: PrepareOptions = {}): Promise<PreparedLayer> {
    const { tmp, record } = await this.unpackToTemp(null, undefined, () => source, opts);
    return this.pending(record.chainId, tmp, record, () => { throw new BerthError('INTERNAL', 'an unpacked layer was lost before its commit'); });
  }

  private pending(chainId: string, tmp: string | undefined, record: LayerRecord, again: () => Promise<{ tmp: string; record: LayerRecord }>): PreparedLayer {
    const final = this.layout.layer(digestHex(chainId));
    return {
      record,
      commit: async (commitOpts = {}) => {
        if (this.has(chainId)) return; // another import got there first: same content
        if (tmp === undefined) ({ tmp } = await again());
        await rename(tmp, final);
        tmp = undefined;
        if (commitOpts.syncDir !== false) fsyncDir(this.layout.layersDir);
      },
      discard: async () => {
        if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
        tmp = undefined;
      },
    };
  }

  /** fsync of the layers directory: makes renames done with `syncDir: false` durable. */
  syncDir(): void {
    fsyncDir(this.layout.layersDir);
  }

  /** Deletes a layer: renamed out of layers/ first, so a crash never leaves half a layer under its name. */
  async remove(chainId: string): Promise<void> {
    const dir = this.layout.layer(digestHex(chainId));
    if (!existsSync(dir)) return;
    const trash = tmpPath(this.layout, 'rm-layer');
    await rename(dir, trash);
    fsyncDir(this.layout.layersDir);
    await rm(trash, { recursive: true, force: true });
  }

  /** `diffId` undefined: whatever the content hashes to (prepareUnknown). */
  private async unpackToTemp(parent: string | null, diffId: string | undefined, open: () => Readable, opts: PrepareOptions):
    Promise<{ tmp: string; record: LayerRecord }> {
    const tmp = tmpPath(this.layout, 'layer');
    await mkdir(tmp, { mode: 0o700 });
    try {
      const diff = join(tmp, 'diff');
      await mkdir(diff, { mode: 0o755 });
      const r = await unpackLayer(open(), diff, { uncompressed: true, ...opts });
      if (diffId !== undefined && r.diffId !== diffId) {
        throw new BerthError('CORRUPT', `layer content hashes to ${r.diffId}, expected ${diffId}`);
      }
      if (r.skippedDevices.length) this.warn(skippedDevicesWarning(r.diffId, r.skippedDevices));
      const record: LayerRecord = { chainId: chainIdOf(parent, r.diffId), diffId: r.diffId, parent, size: r.size };
      // A plain write, not writeJson's fsync + rename: the directory is private until its
      // rename, and the syncfs below (or the caller's) flushes it with the files. That
      // synchronous fsync stalled every other layer's stream (~30 ms each under writeback).
      writeFileSync(join(tmp, 'layer.json'), JSON.stringify(record, null, 2) + '\n', { flag: 'wx', mode: 0o644 });
      if (!opts.deferSync) await syncLayer(tmp);
      return { tmp, record };
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }
}

/** One line for all the device nodes a layer had: the first few by name. */
export function skippedDevicesWarning(diffId: string, names: string[]): string {
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '');
  return `layer ${digestHex(diffId).slice(0, 12)}: skipped ${names.length} device node${names.length === 1 ? '' : 's'} (${shown}): a container's /dev is berth's own`;
}

/** Above this many entries a layer is flushed with one syncfs, below with an fsync per entry. */
const FSYNC_ENTRIES = 64;

/**
 * Flushes one unpacked layer before it becomes visible. A small one (a build
 * step's, a commit's) gets an fsync per file and directory, in parallel, so
 * the journal commits once: syncfs would also write out whatever else is
 * dirty on the filesystem (other builds, other pulls).
 * A big one gets the one syncfs.
 */
export async function syncLayer(dir: string): Promise<void> {
  const paths: string[] = [dir];
  const walk = (d: string): boolean => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (!e.isFile() && !e.isDirectory()) continue; // links and nodes: metadata, in the journal with their directory
      paths.push(join(d, e.name));
      if (paths.length > FSYNC_ENTRIES) return false;
      if (e.isDirectory() && !walk(join(d, e.name))) return false;
    }
    return true;
  };
  if (!walk(dir)) return syncFilesystem(dir);
  await Promise.all(paths.map(async (p) => {
    const fh = await open(p, constants.O_RDONLY | constants.O_NOFOLLOW);
    try { await fh.sync(); } finally { await fh.close(); }
  }));
}

/**
 * Flushes the unpacked files before the layer becomes visible: one syncfs(2)
 * instead of an fsync per file, which would cost a disk flush per entry on
 * images with tens of thousands of files. Native and on the thread pool: it used
 * to be `sync -f`, a fork and exec at the end of every pull (8.1 ms against
 * 1.9 ms, medians of 30, the flush itself included).
 */
export async function syncFilesystem(path: string): Promise<void> {
  const dir = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await syncfs(dir.fd);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new BerthError('NATIVE', `writing the unpacked files out to disk failed: ${err.message}`, { step: 'syncfs', errno: err.code, cause: e });
  } finally {
    await dir.close();
  }
}
