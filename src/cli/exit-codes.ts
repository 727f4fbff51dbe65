// The one place where engine errors become exit statuses and one-line messages.
// Docker's conventions: 125 = the engine or the usage failed, 126 = the command
// cannot be executed, 127 = the command was not found; otherwise the container's own code.
import chalk from 'chalk';
import { BerthError } from '../engine/errors.js';

export const EXIT_ENGINE = 125;
export const EXIT_CANNOT_EXEC = 126;
export const EXIT_NOT_FOUND = 127;

export function exitCodeFor(err: unknown): number {
  if (err instanceof BerthError) {
    if (err.code === 'CMD_NOT_FOUND') return EXIT_NOT_FOUND;
    if (err.code === 'CMD_CANNOT_EXEC') return EXIT_CANNOT_EXEC;
    if (err.code === 'TEMPLATE') return 1; // docker's CLI fails the template itself: status 1
  }
  return EXIT_ENGINE;
}

/** Prints `berth: <message>` on stderr (one line) and sets the exit status. */
export function reportError(err: unknown): number {
  const code = exitCodeFor(err);
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${chalk.red('berth:')} ${msg.split('\n')[0]}\n`);
  if (process.env.BERTH_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return code;
}

/** Thrown by a command to end with a given status without printing (e.g. a container's exit code). */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}
