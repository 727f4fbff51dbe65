// `top CONTAINER [ps OPTIONS]` as docker does it: the host's `ps` runs with the user's
// options (`aux`, `-ef`, `-o pid,comm`), asked for the container's pids only (`-q`), and
// its table is kept for the rows whose PID column is one of them. Some listings (the
// forest `f`) refuse `-q`: then ps lists everything and the filter alone decides. Thread
// lines (`m`, PID `-`) follow the process line they belong to.
import { execFileSync } from 'node:child_process';
import { BerthError, invalid } from '../errors.js';

export interface PsTable {
  titles: string[];
  processes: string[][];
}

/** ps's table for `pids` (host pids), with `args` as given after the container's name. */
export function psTable(pids: number[], args: string[]): PsTable {
  // docker joins the arguments with spaces and splits them again: `-o "pid comm"` = `-o pid comm`
  const words = args.join(' ').split(' ').filter(Boolean);
  checkPsArgs(words.join(' '));
  let out: string;
  try {
    out = ps([...words, `-q${pids.join(',')}`]);
  } catch {
    out = ps(words);
  }
  return parsePs(out, new Set(pids));
}

function ps(args: string[]): string {
  try {
    return execFileSync('ps', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; code?: string; message: string };
    if (err.code === 'ENOENT') throw new BerthError('UNSUPPORTED', 'ps: not found on this host (top with ps options runs the host\'s ps)');
    throw invalid(`ps: ${(err.stderr ?? '').split('\n')[0] || err.message}`);
  }
}

/** docker's rule: a column may be renamed to PID… only when it is the pid column
 *  (`-o user=PID` would make the filter read users as pids). */
function checkPsArgs(joined: string): void {
  for (const m of ` ${joined}`.matchAll(/\s+(\S*)=\s*(PID\S*)/g)) {
    if (m[1] !== 'pid') throw invalid(`specifying "${m[1]}=${m[2]}" is not allowed`);
  }
}

const fields = (line: string): string[] => line.split(/[ \t\n\v\f\r]+/).filter(Boolean);

export function parsePs(output: string, pids: Set<number>): PsTable {
  const lines = output.split('\n');
  const titles = fields(lines[0] ?? '');
  const at = titles.indexOf('PID');
  if (at < 0) throw invalid('ps: its output has no PID column (keep pid among the -o columns)');
  const processes: string[][] = [];
  let inside = false; // the last process line was one of ours: its thread lines are too
  const add = (f: string[]) => processes.push([...f.slice(0, titles.length - 1), f.slice(titles.length - 1).join(' ')]);
  for (const line of lines.slice(1)) {
    const f = fields(line);
    if (!f.length) continue;
    if (f[at] === '-') {
      if (inside) add(f);
      continue;
    }
    const pid = Number(f[at]);
    if (!Number.isInteger(pid)) throw invalid(`ps: unexpected pid '${f[at]}'`);
    inside = pids.has(pid);
    if (inside) add(f);
  }
  return { titles, processes };
}
