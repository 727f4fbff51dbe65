// docker's --cidfile (run, create): the file is made, exclusively, before the
// container — an existing file is refused, as docker refuses it, since it may
// be another container's — and gets the ID once the container exists; a failed
// create removes it again.
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { BerthError } from '../engine/index.js';

export interface CidFile { write(id: string): void; discard(): void }

export function openCidFile(path: string | undefined): CidFile {
  if (path === undefined) return { write: () => {}, discard: () => {} };
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BerthError('CONFLICT', `Container ID file found, make sure the other container isn't running or delete ${path}`);
    throw new BerthError('INVALID_ARGUMENT', `failed to create the container ID file: ${path}: ${code ?? (e as Error).message}`);
  }
  return {
    write: (id) => {
      try { writeSync(fd, id); } finally { closeSync(fd); }
    },
    discard: () => {
      closeSync(fd);
      unlinkSync(path);
    },
  };
}
