// Shared helpers for the benchmarks: wall-time a command, interleave tools in
// rotating order (the 2 shared cores drift, so every round runs every tool once
// and we compare medians), and summarise as median [min–max].
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo root (dist/bench/util.js → ../..). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The anchor scripts (../shared/anchors beside the repository, or $BERTH_ANCHORS). */
export const anchorsDir = process.env.BERTH_ANCHORS ?? join(repoRoot, '..', 'shared', 'anchors');
export const berthBin = join(repoRoot, 'bin', 'berth.js');

/** Run a command to completion; throw with its stderr when it fails. Returns wall ms. */
export function timed(cmd: string, args: string[], opts: SpawnSyncOptions = {}): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.status ?? r.signal}: ${String(r.stderr ?? '').slice(-800)}`);
  return ms;
}

/** Run and return stdout (trimmed); throws on failure. */
export function out(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} → exit ${r.status ?? r.signal}: ${String(r.stderr).slice(-800)}`);
  return String(r.stdout).trim();
}

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** This machine's environment sets NODE_EXTRA_CA_CERTS (its proxy's CA bundle, beside
 *  SSL_CERT_FILE and friends): every node process then parses the whole bundle before it
 *  runs anything, ~50 ms of CPU here (`node -e 0`: ~90 against ~35 ms). A user's shell does
 *  not set it and the Go tools compared (podman, docker, skopeo, umoci) never read it, so the
 *  bench runs every tool without it; start.ts also times node and berth with it, for the
 *  record. */
export const machineExtraCaCerts = process.env.NODE_EXTRA_CA_CERTS ?? process.env.BERTH_BENCH_EXTRA_CA_CERTS;
if (machineExtraCaCerts) process.env.BERTH_BENCH_EXTRA_CA_CERTS = machineExtraCaCerts; // for the bench re-run in its namespace
delete process.env.NODE_EXTRA_CA_CERTS;

export const berth = (root: string, ...args: string[]): [string, string[]] => ['node', ['--', berthBin, '--root', root, ...args]];

export interface Summary { med: number; min: number; max: number; n: number }
export function summary(v: number[]): Summary {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { med: m, min: s[0], max: s[s.length - 1], n: s.length };
}

/** Every round runs each tool once, starting one later each round; a failing tool is dropped with its error. */
export async function interleave(rounds: number, tools: Record<string, () => number | Promise<number>>,
  errors: Record<string, string>): Promise<Record<string, number[]>> {
  const names = Object.keys(tools);
  const res: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      if (errors[n]) continue;
      // every tool starts on a settled page cache (sync, untimed): an fsync or syncfs of one
      // tool otherwise also wrote back what the tool before it left dirty (berth's pull
      // synced umoci's 100 MB, and the pull floor's tar of the 1 MB busybox layer took 275 ms
      // waiting on such writeback, ~30 ms on a settled disk)
      spawnSync('sync');
      try { res[n].push(await tools[n]()); } catch (e) { errors[n] = String((e as Error).message ?? e).split('\n')[0].slice(0, 300); }
    }
  }
  return res;
}

/** "target …: met" / "target …: MISSED", the one wording of a verdict. */
export const verdict = (met: boolean, target: string): string => `${target}: ${met ? 'met' : 'MISSED'}`;

/** One table row: what, figure, target verdict. */
export interface Row { section: string; what: string; value: string; note?: string }
export const fmt = (s: Summary, unit = 'ms', d = 0) => `${s.med.toFixed(d)} [${s.min.toFixed(d)}–${s.max.toFixed(d)}] ${unit}`;
export const now = () => new Date().toISOString().slice(11, 19);
export const log = (...a: unknown[]) => console.error(`[${now()}]`, ...a);
