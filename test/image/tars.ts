// Layer tars built in the test with tar-stream (nothing committed): honest
// archives and the malicious corpus, plus helpers to see what an unpack wrote.
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import tar from 'tar-stream';

export interface Entry {
  name: string;
  type?: 'file' | 'link' | 'symlink' | 'directory' | 'block-device' | 'character-device' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

export const MTIME = new Date('2021-03-04T05:06:07Z');

export async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => { chunks.push(c as Buffer); });
  const ended = new Promise<void>((resolve, reject) => { pack.on('end', () => resolve()); pack.on('error', reject); });
  for (const e of entries) {
    const { content, ...header } = e;
    await new Promise<void>((resolve, reject) => {
      pack.entry({ mtime: MTIME, ...header }, content ?? '', (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A temp dir whose removal the test registers; `victim` is a dir that must stay empty. */
export function scratch(prefix: string): { dir: string; victim: string; remove: () => void } {
  const dir = mkdtempSync(join('/tmp', prefix));
  const victim = mkdtempSync(join('/tmp', `${prefix}victim-`));
  return { dir, victim, remove: () => { rmSync(dir, { recursive: true, force: true }); rmSync(victim, { recursive: true, force: true }); } };
}

/** Every path under `dir` (relative, sorted), symlinks not followed. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      out.push(relative(dir, p));
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function mkdirp(p: string): string {
  mkdirSync(p, { recursive: true });
  return p;
}

/**
 * The malicious corpus: each tar tries to write outside the layer (into `victim`,
 * a host directory) or to plant something a later step would follow. `why` is
 * what the error must say.
 */
export function corpus(victim: string): Array<{ label: string; entries: Entry[]; entry: string; why: RegExp }> {
  const f = (name: string, content = 'pwned'): Entry => ({ name, content });
  return [
    { label: '../ escape', entries: [f('../escape')], entry: '../escape', why: /"\.\." component/ },
    { label: 'nested ../ escape', entries: [{ name: 'a', type: 'directory' }, f('a/../../escape')], entry: 'a/../../escape', why: /"\.\." component/ },
    { label: 'absolute path', entries: [f(`${victim}/abs`)], entry: `${victim}/abs`, why: /absolute name/ },
    {
      label: 'symlink then write through it',
      entries: [{ name: 'lnk', type: 'symlink', linkname: victim }, f('lnk/x')],
      entry: 'lnk/x', why: /parent "lnk" is a symlink/,
    },
    {
      label: 'symlink then mkdir through it',
      entries: [{ name: 'lnk', type: 'symlink', linkname: victim }, { name: 'lnk/sub', type: 'directory' }],
      entry: 'lnk/sub', why: /parent "lnk" is a symlink/,
    },
    {
      label: 'relative symlink then write through it',
      entries: [{ name: 'up', type: 'symlink', linkname: `../../../../../../../..${victim}` }, f('up/x')],
      entry: 'up/x', why: /parent "up" is a symlink/,
    },
    {
      label: 'whiteout through a symlink',
      entries: [{ name: 'lnk', type: 'symlink', linkname: victim }, f('lnk/.wh.foo', '')],
      entry: 'lnk/.wh.foo', why: /parent "lnk" is a symlink/,
    },
    { label: 'hardlink to /etc/passwd', entries: [{ name: 'pw', type: 'link', linkname: '/etc/passwd' }], entry: 'pw', why: /hardlink target "\/etc\/passwd" is outside the layer/ },
    { label: 'hardlink to ../x', entries: [{ name: 'x', type: 'link', linkname: '../x' }], entry: 'x', why: /hardlink target "\.\.\/x" is outside the layer/ },
    {
      label: 'hardlink to an entry not extracted yet',
      entries: [{ name: 'early', type: 'link', linkname: 'later' }, f('later')],
      entry: 'early', why: /not a file extracted earlier/,
    },
    {
      label: 'hardlink through a symlink',
      entries: [{ name: 'etc', type: 'symlink', linkname: '/etc' }, { name: 'pw', type: 'link', linkname: 'etc/passwd' }],
      entry: 'pw', why: /not a file extracted earlier/,
    },
    {
      label: 'hardlink to a symlink, then write through the hardlink',
      entries: [{ name: 's', type: 'symlink', linkname: victim }, { name: 'h', type: 'link', linkname: 's' }, f('h/x')],
      entry: 'h/x', why: /parent "h" is a symlink/,
    },
    {
      label: 'hardlink to a directory',
      entries: [{ name: 'd', type: 'directory' }, { name: 'h', type: 'link', linkname: 'd' }],
      entry: 'h', why: /is a directory/,
    },
    {
      label: '"/." symlink (umoci CVE-2021-29136)',
      entries: [{ name: '/.', type: 'symlink', linkname: victim }, f('x')],
      entry: '/.', why: /absolute name/,
    },
    {
      label: '"." symlink: the layer root redirected',
      entries: [{ name: '.', type: 'symlink', linkname: victim }, f('x')],
      entry: '.', why: /layer root can only be a directory/,
    },
    {
      label: '"./" symlink',
      entries: [{ name: './', type: 'symlink', linkname: victim }, f('x')],
      entry: './', why: /layer root can only be a directory/,
    },
    {
      label: 'a skipped device node as a parent',
      entries: [{ name: 'mem', type: 'character-device', devmajor: 1, devminor: 1 }, f('mem/x')],
      entry: 'mem/x', why: /parent "mem" is a skipped device, not a directory/,
    },
    {
      label: 'a symlink replaced by a later symlink, then written through',
      entries: [{ name: 'l', type: 'symlink', linkname: '/tmp' }, { name: 'l', type: 'symlink', linkname: victim }, f('l/x')],
      entry: 'l/x', why: /parent "l" is a symlink/,
    },
    {
      label: 'a directory replaced by a symlink, then written through',
      entries: [{ name: 'd', type: 'directory' }, f('d/in'), { name: 'd', type: 'symlink', linkname: victim }, f('d/x')],
      entry: 'd/x', why: /parent "d" is a symlink/,
    },
    { label: 'whiteout of ..', entries: [f('.wh...', '')], entry: '.wh...', why: /whiteout of "\.\."/ },
    { label: 'nested whiteout of ..', entries: [{ name: 'a', type: 'directory' }, f('a/.wh...', '')], entry: 'a/.wh...', why: /whiteout of "\.\."/ },
    { label: 'empty path component', entries: [f('a//b')], entry: 'a//b', why: /empty component/ },
    { label: '"." component', entries: [f('a/./b')], entry: 'a/./b', why: /"\." component/ },
  ];
}

/** The error `fn` rejects with (fails the test when it resolves). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
