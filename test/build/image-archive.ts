// What a `docker save` / `berth save` tar (docker-archive) holds, read for the
// side-by-side build comparison (vs-docker.test.ts): the image config and each
// layer's entries, keyed by path, with the metadata a file tree is made of.
// Hard links are folded into their group (a layer may name either path first:
// which one carries the bytes is the packer's choice, not the tree's).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import tar from 'tar-stream';

export interface LayerEntry {
  type: string;
  mode: string;
  owner: string;
  /** sha256 of a regular file's bytes (with its size) */
  content?: string;
  linkname?: string;
  device?: string;
  /** seconds */
  mtime: number;
  /** every path of a hard-link group, sorted */
  hardlinks?: string[];
}

export interface SavedImage {
  config: { config?: Record<string, unknown>; history?: Array<{ created_by?: string; empty_layer?: boolean }>; rootfs: { diff_ids: string[] } };
  /** in rootfs order */
  layers: Array<Map<string, LayerEntry>>;
}

const clean = (p: string): string => p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');

async function members(stream: Readable, each: (h: tar.Header, body: Buffer) => void): Promise<void> {
  const ex = tar.extract();
  const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    s.on('end', () => { each(h, Buffer.concat(chunks)); next(); });
    s.on('error', next);
  });
  stream.on('error', (e) => ex.destroy(e));
  stream.pipe(ex);
  await done;
}

async function layerEntries(bytes: Buffer): Promise<Map<string, LayerEntry>> {
  const out = new Map<string, LayerEntry>();
  const links: Array<[string, string]> = [];
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const src = Readable.from([bytes]);
  await members(gz ? src.pipe(createGunzip()) : src, (h, body) => {
    const path = clean(h.name);
    if (path === '' || path === '.') return;
    const e: LayerEntry = {
      type: h.type ?? 'file', mode: (h.mode! & 0o7777).toString(8), owner: `${h.uid}:${h.gid}`,
      mtime: Math.floor((h.mtime?.getTime() ?? 0) / 1000),
    };
    if (h.type === 'file' || h.type === 'contiguous-file') { e.type = 'file'; e.content = `${body.length}:${createHash('sha256').update(body).digest('hex').slice(0, 16)}`; }
    if (h.type === 'symlink') e.linkname = h.linkname!;
    if (h.type === 'character-device' || h.type === 'block-device') e.device = `${h.devmajor},${h.devminor}`;
    if (h.type === 'link') links.push([path, clean(h.linkname!)]);
    out.set(path, e);
  });
  // a hard link takes its target's metadata; every member of the group is a file naming the group
  const groups = new Map<string, string[]>();
  for (const [p, target] of links) groups.set(target, [...(groups.get(target) ?? [target]), p]);
  for (const [target, paths] of groups) {
    const t = out.get(target);
    if (!t) continue;
    for (const p of paths) out.set(p, { ...t, hardlinks: [...paths].sort() });
  }
  return out;
}

/** Reads a docker-archive with one image. */
export async function readSaved(file: string): Promise<SavedImage> {
  const files = new Map<string, Buffer>();
  await members(createReadStream(file), (h, body) => { if (h.type === 'file') files.set(clean(h.name), body); });
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Array<{ Config: string; Layers: string[] }>;
  if (manifest.length !== 1) throw new Error(`${file}: ${manifest.length} images`);
  const config = JSON.parse(files.get(clean(manifest[0].Config))!.toString('utf8')) as SavedImage['config'];
  const layers = [];
  for (const l of manifest[0].Layers) layers.push(await layerEntries(files.get(clean(l))!));
  return { config, layers };
}
