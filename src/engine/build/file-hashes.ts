// The content hashes of context files, kept across builds: a rebuild hashes
// only the files that changed, not the whole context again. A file's hash is
// reused while its device, inode, size, mtime and ctime (nanoseconds) are all
// the same: any write to the file moves its ctime, which no user call can set
// back. The kernel stamps ctime from a coarse clock, so two writes within one
// tick could share it: a hash is only kept for a file whose ctime was over two
// seconds old when it was read (git's "racily clean" rule). The file lives in
// the store's builder/; a lost or torn one is only a slower build.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, type BigIntStats } from 'node:fs';
import { dirname, join } from 'node:path';
import { atomicWriteFile } from '../store/atomic.js';
import type { Layout } from '../store/layout.js';

const RACY_NS = 2_000_000_000n;
/** Kept at most: the newest entries of the last builds. */
const MAX_ENTRIES = 100_000;

interface Entry { key: string; hash: string }

export class FileHashes {
  private readonly path: string;
  private entries?: Map<string, string>;
  private changed = false;

  constructor(layout: Layout) {
    this.path = join(layout.root, 'builder', 'file-hashes.json');
  }

  /** The sha256 (hex) of the regular file at `host`, whose lstat (bigint) is `st`. */
  hash(host: string, st: BigIntStats): string {
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    const known = this.load().get(host);
    if (known !== undefined && known.startsWith(`${key}=`)) return known.slice(key.length + 1);
    const hash = createHash('sha256').update(readFileSync(host)).digest('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    if (now - st.ctimeNs > RACY_NS) {
      this.load().set(host, `${key}=${hash}`);
      this.changed = true;
    }
    return hash;
  }

  /** Writes the hashes back (not fsynced: see above). */
  save(): void {
    if (!this.changed || !this.entries) return;
    const list: Entry[] = [...this.entries].slice(-MAX_ENTRIES).map(([k, v]) => ({ key: k, hash: v }));
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      atomicWriteFile(this.path, JSON.stringify(list), 0o600, { durable: false });
    } catch { /* builder/ not there yet or full: next time */ }
    this.changed = false;
  }

  private load(): Map<string, string> {
    if (this.entries) return this.entries;
    this.entries = new Map();
    try {
      const list = JSON.parse(readFileSync(this.path, 'utf8')) as Entry[];
      if (Array.isArray(list)) for (const e of list) if (typeof e?.key === 'string' && typeof e.hash === 'string') this.entries.set(e.key, e.hash);
    } catch { /* none yet, or torn: hashed again */ }
    return this.entries;
  }
}
