// Temp directories playing a container's root and the host side, and a
// description of a tree (types, modes, owners, mtimes, contents, link targets)
// for comparing what a copy produced.
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function tempDirs(prefix: string): { mk: (name: string) => string; removeAll: () => void } {
  const made: string[] = [];
  return {
    mk: (name) => {
      const d = mkdtempSync(join('/tmp', `berth-test-cp-${prefix}-${name}-`));
      made.push(d);
      return d;
    },
    removeAll: () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** One line per entry under `dir`, sorted: `path type mode uid:gid mtime content-or-target`. */
export function describe(dir: string, opts: { owners?: boolean; times?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const p = join(dir, r);
      const st = lstatSync(p);
      const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFIFO() ? 'p' : st.isFile() ? 'f' : '?';
      const what = type === 'l' ? `-> ${readlinkSync(p)}` : type === 'f' ? content(p) : '';
      const parts = [r, type];
      if (type !== 'l') parts.push((st.mode & 0o7777).toString(8));
      if (opts.owners) parts.push(`${st.uid}:${st.gid}`);
      if (opts.times && type !== 'l') parts.push(String(Math.round(st.mtimeMs)));
      if (what) parts.push(what);
      out.push(parts.join(' '));
      if (type === 'd') walk(r);
    }
  };
  walk('');
  return out;
}

/** Short contents as a string, long ones as size + sha256 (keeps failure output readable). */
function content(p: string): string {
  const b = readFileSync(p);
  return b.length <= 64 ? JSON.stringify(b.toString('utf8')) : `${b.length}B sha256:${createHash('sha256').update(b).digest('hex').slice(0, 16)}`;
}

/** This process's open fds (with what they point at), to catch leaks. */
export function openFds(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [`${fd} ${readlinkSync(`/proc/self/fd/${fd}`)}`];
    } catch {
      return []; // the fd readdir itself used
    }
  }).sort();
}

/** Expects `fn` to reject with a BerthError of `code` (and a message matching `msg`). */
export async function rejects(fn: () => Promise<unknown>, code: string, msg?: RegExp): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.name !== 'BerthError' || err.code !== code) throw new Error(`expected BerthError ${code}, got ${err.name} ${err.code}: ${err.message}`);
    if (msg && !msg.test(err.message)) throw new Error(`message ${JSON.stringify(err.message)} does not match ${msg}`);
    return err;
  }
  throw new Error(`expected BerthError ${code}, but it succeeded`);
}
