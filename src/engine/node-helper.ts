// berth's node helper processes: a container's exit hook (container/cleanup-main.ts),
// its health checker (container/health-main.ts) and a network's DNS resolver
// (network/dns-main.ts). Each is an engine script run by this same node with the
// root and its own arguments, detached into a session of its own so that it
// outlives the command that started it and no terminal signal reaches it. The
// argv is the same everywhere: checkers and resolvers are found again by it in
// /proc, and the monitor runs the exit hook from it.
import { spawn, type ChildProcess } from 'node:child_process';

/** The argv that runs `script` with `args` (node's "--": see bin/berth.js). */
export const nodeHelperArgv = (script: string, args: string[]): string[] => [process.execPath, '--', script, ...args];

/** Starts `script` detached, stdin and stderr closed. Its stdout is closed too, unless the
 * caller reads what it says first (`stdout: 'pipe'`: the caller unrefs it when done);
 * otherwise nothing here waits for it. */
export function spawnNodeHelper(script: string, args: string[], opts: { stdout?: 'pipe' } = {}): ChildProcess {
  const [node, ...rest] = nodeHelperArgv(script, args);
  const child = spawn(node, rest, { detached: true, stdio: ['ignore', opts.stdout ?? 'ignore', 'ignore'] });
  if (opts.stdout === undefined) child.unref();
  return child;
}
