// --env-file for run, create and exec: the files are read here, on the caller's side, and
// parsed with docker's rules (engine/runtime parseEnvFile). Their content only ever becomes
// the container's environment: berth's own process is started as `node -- berth.js` (see
// bin/berth.js), so Node never reads `--env-file` from berth's arguments either.
import { readFileSync } from 'node:fs';
import { BerthError } from '../engine/errors.js';
import { parseEnvFile } from '../engine/runtime/index.js';

/** The KEY=VALUE lines of every file, in order; a bare KEY takes the caller's value. */
export function readEnvFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new BerthError('INVALID_ARGUMENT', `cannot read env file ${path}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.code ?? err.message}`);
    }
    return parseEnvFile(data, path, (key) => process.env[key]);
  });
}
