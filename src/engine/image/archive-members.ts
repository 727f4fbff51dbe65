// Reading an image archive (docker-archive or OCI layout, possibly gzipped) in
// one pass, without writing any of its names to disk: each regular file becomes
// a member keyed by its cleaned path. Small members (configs, manifests, small
// layers) are kept in memory, up to a total budget past which they are spilled
// as they are to temp blobs (a hostile archive of many small files cannot fill
// memory); large ones are streamed into pending blobs of the store, stored
// decompressed (a layer's diffID) while the raw bytes are hashed too (an OCI
// blob's name is the digest of its stored, possibly gzipped, form).
// Symlinks and hardlinks (docker save links a layer shared by two images) are
// aliases resolved inside the archive; a name or link that leaves it is refused.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { BerthError, invalid } from '../errors.js';
import type { BlobStore, PendingBlob } from './blobs.js';
import { decompressed } from './compress.js';
import { printable } from './entry-name.js';

const IN_MEMORY = 1 << 20;
const MEMORY_BUDGET = 64 << 20;
const MAX_LINKS = 16;

export interface Member {
  /** sha256 and size of the bytes as stored in the archive. */
  rawDigest: string;
  rawSize: number;
  /** The bytes, for members up to 1 MiB. */
  bytes?: Buffer;
  /** For larger members: the decompressed content as a pending blob. */
  blob?: PendingBlob;
  /** A small member past the memory budget: its raw bytes as a pending blob. */
  spilled?: PendingBlob;
  /** Set once `blob` was handed over: its digest, to re-read it from the store (a layer two images share). */
  handedOver?: string;
}

export class ArchiveMembers {
  private readonly files = new Map<string, Member>();
  private readonly links = new Map<string, string>();
  private inMemory = 0;

  private constructor(private readonly blobs: BlobStore) {}

  /** Reads the whole archive stream. On error every pending blob is discarded. */
  static async read(blobs: BlobStore, source: Readable): Promise<ArchiveMembers> {
    const m = new ArchiveMembers(blobs);
    const extract = tar.extract();
    let current: Promise<void> = Promise.resolve();
    extract.on('entry', (h, body, next) => {
      current = m.entry(h, body).then(() => next(), (e: unknown) => { body.resume(); next(e as Error); });
    });
    try {
      await pipeline(await decompressed(source), extract);
      await current;
    } catch (e) {
      await current.catch(() => undefined);
      await m.discard();
      throw archiveError(e);
    }
    return m;
  }

  has(path: string): boolean {
    try {
      return this.lookup(path, path) !== undefined;
    } catch {
      return false;
    }
  }

  /** The member a document names (`what` says which document, for the error). */
  get(path: string, what: string): Member {
    const m = this.lookup(path, what);
    if (!m) throw invalid(`archive: ${what} refers to "${printable(path)}", which is not in the archive`);
    return m;
  }

  /** A JSON document member, parsed. */
  async json<T>(path: string, what: string): Promise<{ value: T; bytes: Buffer }> {
    const bytes = await this.bytes(this.get(path, what), path);
    try {
      return { value: JSON.parse(bytes.toString('utf8')) as T, bytes };
    } catch {
      throw invalid(`archive: ${printable(path)} is not valid JSON`);
    }
  }

  /** The raw bytes of a small member (a config or manifest); `name` names it in the error. */
  async bytes(m: Member, name: string): Promise<Buffer> {
    if (m.bytes) return m.bytes;
    if (!m.spilled) throw invalid(`archive: ${printable(name)} is too large for a JSON document`);
    const chunks: Buffer[] = [];
    for await (const c of m.spilled.open() as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }

  /** The member's content decompressed, as a pending blob of the store (a layer tar). The caller owns it. */
  async layerBlob(m: Member): Promise<PendingBlob> {
    if (m.blob) {
      const b = m.blob;
      m.blob = undefined;
      m.handedOver = b.digest;
      return b;
    }
    if (m.bytes) return this.blobs.ingest(Readable.from([m.bytes]), { decompress: true });
    if (m.spilled) return this.blobs.ingest(m.spilled.open(), { decompress: true });
    // A layer two images share: the first image's load put it in the store.
    if (m.handedOver !== undefined && this.blobs.has(m.handedOver)) {
      return this.blobs.ingest(this.blobs.open(m.handedOver), { expected: m.handedOver });
    }
    throw new BerthError('INTERNAL', 'archive member was already handed over');
  }

  async discard(): Promise<void> {
    for (const m of this.files.values()) {
      await m.blob?.discard();
      await m.spilled?.discard();
    }
  }

  private lookup(path: string, what: string): Member | undefined {
    let p = clean(path, what);
    for (let i = 0; i <= MAX_LINKS; i++) {
      const f = this.files.get(p);
      if (f) return f;
      const l = this.links.get(p);
      if (l === undefined) return undefined;
      p = l;
    }
    throw invalid(`archive: too many links resolving "${printable(path)}"`);
  }

  private async entry(h: tar.Header, body: AsyncIterable<unknown> & { resume(): unknown }): Promise<void> {
    const type = h.type ?? 'file';
    if (type === 'directory') return drain(body);
    const name = clean(h.name, 'the entry name');
    if (type === 'symlink') {
      const target = h.linkname ?? '';
      if (target.startsWith('/')) throw invalid(`archive: symlink ${printable(h.name)} points outside the archive (${printable(target)})`);
      this.links.set(name, clean(posix.join(posix.dirname(name), target), `symlink ${h.name}`));
      return drain(body);
    }
    if (type === 'link') {
      this.links.set(name, clean(h.linkname ?? '', `hardlink ${h.name}`));
      return drain(body);
    }
    if (type !== 'file' && type !== 'contiguous-file') {
      throw invalid(`archive: ${printable(h.name)}: unexpected ${type} entry in an image archive`);
    }
    const rawHash = createHash('sha256');
    let rawSize = 0;
    const counted = async function* () {
      for await (const c of body) {
        const chunk = c as Buffer;
        rawHash.update(chunk);
        rawSize += chunk.length;
        yield chunk;
      }
    };
    let member: Member;
    const size = h.size ?? 0;
    if (size <= IN_MEMORY && this.inMemory + size <= MEMORY_BUDGET) {
      const chunks: Buffer[] = [];
      for await (const c of counted()) chunks.push(c);
      member = { rawDigest: '', rawSize: 0, bytes: Buffer.concat(chunks) };
      this.inMemory += size;
    } else if (size <= IN_MEMORY) {
      member = { rawDigest: '', rawSize: 0, spilled: await this.blobs.ingest(Readable.from(counted())) };
    } else {
      member = { rawDigest: '', rawSize: 0, blob: await this.blobs.ingest(Readable.from(counted()), { decompress: true }) };
    }
    member.rawDigest = `sha256:${rawHash.digest('hex')}`;
    member.rawSize = rawSize;
    const replaced = this.files.get(name); // a later entry of the same name wins, as with tar
    await replaced?.blob?.discard();
    await replaced?.spilled?.discard();
    this.files.set(name, member);
  }
}

/** An archive path in one clean relative form; anything that could leave the archive is refused. */
function clean(path: string, what: string): string {
  if (typeof path !== 'string' || path === '' || path.includes('\0')) throw invalid(`archive: ${what}: empty or invalid path`);
  if (path.startsWith('/')) throw invalid(`archive: ${what}: absolute path "${printable(path)}" (paths must stay inside the archive)`);
  const parts = path.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw invalid(`archive: ${what}: path "${printable(path)}" leaves the archive ("..")`);
  return parts.join('/');
}

async function drain(body: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of body) { /* skip */ }
}

function archiveError(e: unknown): unknown {
  if (e instanceof BerthError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return invalid(`archive: corrupt gzip data: ${err.message}`);
  if (e instanceof Error && /tar header|Unexpected end of data|Invalid header|Header exceeds/i.test(e.message)) {
    return invalid(`archive: not a valid tar archive: ${e.message}`);
  }
  return e;
}
