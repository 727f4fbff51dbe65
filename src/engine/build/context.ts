// The build context: a directory, read where it lies (never copied whole), or
// a tar on stdin, unpacked once into the store's tmp/ by the safe unpacker.
// Paths a Dockerfile names are resolved as if the context were "/": `..`
// stops at its top and a symlink is followed only inside it (docker's
// FollowSymlinkInScope), so a hostile context cannot make COPY read outside.
// .dockerignore'd paths do not exist for COPY and ADD.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { BerthError, invalid } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';
import { unpackIntoRoot } from '../copy/index.js';
import { FileHashes } from './file-hashes.js';
import { IgnoreMatcher } from './ignore.js';

const MAX_LINKS = 40;

export class BuildContext {
  /** `hashes`: a directory context's file hashes kept across builds (a tar's files are new each time). */
  private constructor(readonly dir: string, readonly ignore: IgnoreMatcher, private readonly scratch?: string, private readonly hashes?: FileHashes) {}

  /** A directory (host path) or a tar stream. */
  static async open(layout: Layout, source: string | Readable): Promise<BuildContext> {
    if (typeof source === 'string') {
      let dir: string;
      try {
        dir = realpathSync(source);
        if (!statSync(dir).isDirectory()) throw invalid(`unable to prepare context: path "${source}" not found`);
      } catch (e) {
        if (e instanceof BerthError) throw e;
        throw invalid(`unable to prepare context: path "${source}" not found`);
      }
      return new BuildContext(dir, readIgnore(dir), undefined, new FileHashes(layout));
    }
    const dir = tmpPath(layout, 'build-context');
    await mkdir(dir, { mode: 0o700 });
    try {
      await unpackIntoRoot(source, dir, '/', { preserveOwner: true, stripSetid: false });
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return new BuildContext(dir, readIgnore(dir), dir);
  }

  /** Another tree resolved the same way (an image's root, for COPY --from): nothing ignored. */
  static scope(dir: string): BuildContext {
    return new BuildContext(dir, new IgnoreMatcher([]));
  }

  async close(): Promise<void> {
    this.hashes?.save();
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
  }

  /** The Dockerfile: `-f` relative to the context (or an absolute host path for a directory context). */
  readDockerfile(file = 'Dockerfile'): string {
    const path = posix.isAbsolute(file) && !this.scratch ? file : this.resolve(file);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new BerthError('NOT_FOUND', `failed to read dockerfile: open ${file}: no such file or directory`);
    }
  }

  /**
   * The host path of `rel` with every symlink resolved inside the context (a
   * `..` or an absolute link target stays at its top). Not checked to exist.
   */
  resolve(rel: string): string {
    const todo = rel.split('/').filter((p) => p !== '' && p !== '.');
    const done: string[] = [];
    for (let hops = 0; todo.length;) {
      const part = todo.shift()!;
      if (part === '..') { done.pop(); continue; }
      const path = `${this.dir}/${[...done, part].join('/')}`;
      let st: Stats;
      try { st = lstatSync(path); } catch { done.push(part, ...todo); break; }
      if (!st.isSymbolicLink()) { done.push(part); continue; }
      if (++hops > MAX_LINKS) throw invalid(`too many levels of symbolic links: ${rel}`);
      const target = readlinkSync(path);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
    }
    return done.length ? `${this.dir}/${done.join('/')}` : this.dir;
  }

  /** The context-relative paths a COPY source names (wildcards per path element), ignored ones left out. */
  match(source: string): string[] {
    const clean = posix.normalize(`/${source}`).slice(1).replace(/\/$/, '');
    if (!/[*?[]/.test(clean)) {
      if (clean !== '' && this.ignore.ignores(clean)) return [];
      try { lstatSync(this.resolve(clean)); } catch { return []; }
      return [clean];
    }
    let found = [''];
    for (const part of clean.split('/')) {
      const next: string[] = [];
      const re = globRe(part);
      for (const dir of found) {
        let names: string[];
        try { names = readdirSync(this.resolve(dir)); } catch { continue; }
        for (const n of names.sort()) if (re.test(n)) next.push(dir ? `${dir}/${n}` : n);
      }
      found = next;
    }
    return found.filter((p) => !this.ignore.ignores(p));
  }

  /** Whether `rel` (under a copied directory) is left out by .dockerignore. */
  ignored(rel: string): boolean {
    return !this.ignore.empty && this.ignore.ignores(rel);
  }

  /** Whether a copy leaves `rel` out: ignored, and not a directory holding something an exception
   *  keeps (`secret/` with `!secret/keep` still gives secret/keep, as docker's walk does; an
   *  ignored directory where no exception keeps anything is not made at all, as docker's). */
  skips(rel: string): boolean {
    if (!this.ignored(rel)) return false;
    return !this.keepsInside(rel);
  }

  /** Whether an ignored directory holds an entry an exception keeps. */
  private keepsInside(dir: string): boolean {
    if (!this.ignore.mayExcept(dir)) return false;
    let names: string[];
    try {
      if (!lstatSync(`${this.dir}/${dir}`).isDirectory()) return false;
      names = readdirSync(`${this.dir}/${dir}`);
    } catch { return false; }
    return names.some((n) => !this.ignored(`${dir}/${n}`) || this.keepsInside(`${dir}/${n}`));
  }

  /**
   * The cache's view of copied sources: a digest of every entry's path, type,
   * mode, owner, size, link target and content (not its times, as BuildKit);
   * a file's content by its sha256, kept across builds (file-hashes.ts).
   */
  digest(rels: string[]): string {
    const h = createHash('sha256');
    const walk = (host: string, rel: string, top: boolean) => {
      const st = top ? statSync(host) : lstatSync(host);
      h.update(`${rel}\0${st.mode}\0${st.uid}:${st.gid}\0`);
      if (st.isSymbolicLink()) h.update(`L${readlinkSync(host)}\0`);
      else if (st.isFile()) {
        const content = this.hashes ? this.hashes.hash(host, lstatSync(host, { bigint: true })) : createHash('sha256').update(readFileSync(host)).digest('hex');
        h.update(`F${st.size}\0${content}\0`);
      }
      else if (st.isDirectory()) {
        for (const n of readdirSync(host).sort()) {
          const r = `${rel}/${n}`;
          if (!this.skips(r.replace(/^\//, ''))) walk(`${host}/${n}`, r, false);
        }
      }
    };
    for (const rel of rels) walk(this.resolve(rel), rel, true);
    return `sha256:${h.digest('hex')}`;
  }
}

function readIgnore(dir: string): IgnoreMatcher {
  try {
    return IgnoreMatcher.parse(readFileSync(`${dir}/.dockerignore`, 'utf8'));
  } catch {
    return new IgnoreMatcher([]);
  }
}

/** Go's filepath.Match for one path element. */
export function globRe(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw invalid(`syntax error in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('^')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += /[.+^${}()|\]\\/]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`${re}$`);
}
