// Finding a file in a container's root without mounting it: the overlay's
// layers (upper dir first, then the image layers top-down) are searched the way
// overlayfs merges them, and symlinks are followed inside that merged view only.
// Every host path is lstat'ed, never followed, so an image's symlink
// (/etc/passwd -> /host/file, or ../../..) cannot make berth read host files.
//
// Whiteouts: a 0:0 character device (overlayfs' form, also in the upper dir) or
// a `.wh.NAME` file (the OCI layer form) hides NAME in the layers below; a
// `.wh..wh..opq` marker makes a directory opaque. (An opaque directory marked
// only by the trusted.overlay.opaque xattr is not seen: Node cannot read xattrs.)
import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** A regular file found in the merged view: the layer holding it and its symlink-free path there. */
export interface LayeredFile { layer: string; path: string }

const MAX_SYMLINKS = 40; // as the kernel's path walk

function lstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined; // ENOENT, ENOTDIR, EACCES: nothing usable there
  }
}

const isWhiteoutDevice = (st: Stats): boolean => st.isCharacterDevice() && st.rdev === 0;

type Entry =
  | { kind: 'missing' }
  | { kind: 'dir'; layers: string[] }              // the layers merged into this directory, top first
  | { kind: 'other'; layer: string; st: Stats };  // the topmost non-directory: it hides everything below

/** Looks up `name` in the merged directory `dirPath` (symlink-free), which `dirLayers` make up. */
function lookup(dirLayers: string[], dirPath: string, name: string): Entry {
  const merged: string[] = [];
  for (const layer of dirLayers) {
    const dir = join(layer, dirPath);
    const st = lstat(join(dir, name));
    if (!st) {
      if (lstat(join(dir, `.wh.${name}`))) break; // deleted here: the layers below do not count
      continue;
    }
    if (isWhiteoutDevice(st)) break;
    if (!st.isDirectory()) {
      // a non-directory over a lower directory hides it; below an upper directory it is ignored
      return merged.length ? { kind: 'dir', layers: merged } : { kind: 'other', layer, st };
    }
    merged.push(layer);
    if (lstat(join(dir, name, '.wh..wh..opq'))) break; // opaque: nothing below merges in
  }
  return merged.length ? { kind: 'dir', layers: merged } : { kind: 'missing' };
}

const split = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

/** Resolves an absolute path in the merged view of `layers` (top first). Returns the regular
 * file it names, or undefined when it is missing, not a regular file, or loops. */
export function findInLayers(layers: string[], path: string): LayeredFile | undefined {
  let todo = split(path);
  let resolved: string[] = [];
  let dirLayers = layers; // the layers making up the directory `resolved`
  let hops = 0;
  while (todo.length) {
    const name = todo.shift()!;
    if (name === '..') {
      // ".." of the root is the root (RESOLVE_IN_ROOT semantics): recompute the parent's layers
      resolved = resolved.slice(0, -1);
      const again = resolveDir(layers, resolved);
      if (!again) return undefined;
      dirLayers = again;
      continue;
    }
    const dirPath = '/' + resolved.join('/');
    const e = lookup(dirLayers, dirPath, name);
    if (e.kind === 'missing') return undefined;
    if (e.kind === 'dir') {
      if (!todo.length) return undefined; // a directory, not a file
      resolved.push(name);
      dirLayers = e.layers;
      continue;
    }
    if (e.st.isSymbolicLink()) {
      if (++hops > MAX_SYMLINKS) return undefined;
      const target = readlinkSync(join(e.layer, dirPath, name));
      if (target.startsWith('/')) {
        resolved = [];
        dirLayers = layers;
      }
      todo = [...split(target), ...todo];
      continue;
    }
    if (todo.length || !e.st.isFile()) return undefined; // a file used as a directory, or a device/fifo
    return { layer: e.layer, path: '/' + [...resolved, name].join('/') };
  }
  return undefined; // the path named the root itself
}

/** The layers of an already resolved (symlink-free) directory. */
function resolveDir(layers: string[], components: string[]): string[] | undefined {
  let dirLayers = layers;
  for (let i = 0; i < components.length; i++) {
    const e = lookup(dirLayers, '/' + components.slice(0, i).join('/'), components[i]);
    if (e.kind !== 'dir') return undefined;
    dirLayers = e.layers;
  }
  return dirLayers;
}
