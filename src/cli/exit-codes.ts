// The one place where engine errors become exit statuses and one-line messages.
// Docker's conventions: `run` exits 125 when it fails itself (and `create` when
// its options are wrong); every other refusal of the engine — no such object,
// wrong state, in use, name conflict — exits 1. 126 = the command cannot be
// executed, 127 = the command was not found; otherwise the container's own code.
// Usage errors (unknown flags) are 125 too: see usage-error.ts.
import chalk from 'chalk';
import { BerthError } from '../engine/errors.js';
import { positionals } from './usage-error.js';

export const EXIT_REFUSED = 1;
export const EXIT_ENGINE = 125;
export const EXIT_CANNOT_EXEC = 126;
export const EXIT_NOT_FOUND = 127;

/** The verb this process runs ("container run" is run): docker's status and prefix depend on it. */
let verb: string | undefined;

/** The verb of a command line (global options and the `container` group skipped). */
export function setVerbFrom(args: string[]): void {
  const words = positionals(args);
  verb = words[0] === 'container' ? words[1] : words[0];
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof BerthError) {
    if (err.code === 'CMD_NOT_FOUND') return EXIT_NOT_FOUND;
    if (err.code === 'CMD_CANNOT_EXEC') return EXIT_CANNOT_EXEC;
    if (err.code === 'TEMPLATE') return 1; // docker's CLI fails the template itself: status 1
  }
  if (verb === 'run') return EXIT_ENGINE;
  // create's own checks of its options; what the engine refuses is 1, as in docker
  if (verb === 'create' && !(err instanceof BerthError && !['INVALID_ARGUMENT', 'UNSUPPORTED'].includes(err.code))) return EXIT_ENGINE;
  return EXIT_REFUSED;
}

/** Prints the error (one line) on stderr and returns the exit status: `berth: …` for run, as docker's `docker: …`, else `Error: …`. */
export function reportError(err: unknown): number {
  const code = exitCodeFor(err);
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${chalk.red(verb === 'run' ? 'berth:' : 'Error:')} ${msg.split('\n')[0]}\n`);
  if (process.env.BERTH_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return code;
}

/** Thrown by a command to end with a given status without printing (e.g. a container's exit code). */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
