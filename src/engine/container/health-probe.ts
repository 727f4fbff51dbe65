// One health probe: the check's command as an exec in the container (its user,
// environment and working directory, under its own exec monitor like any exec),
// killed when it outlives the timeout, its output (stdout and stderr in the
// order the log has them) cut at 4096 bytes with "..." as docker's
// limitedBuffer does. The exec's directory is removed once its monitor is done.
import { rmSync } from 'node:fs';
import type { Layout } from '../store/layout.js';
import { BerthError } from '../errors.js';
import { readLog } from '../log/index.js';
import { parentOf, procStartTime } from '../proc.js';
import { execExit, execPaths, startExec } from './exec.js';
import { goDurationString } from './health-config.js';
import { MAX_OUTPUT, type HealthResult } from './health.js';
import type { ContainerRecord } from './types.js';

const POLL_MS = 50;
/** How long a killed probe's monitor may take to record it (it drains the pipes up to 2 s). */
const MONITOR_GRACE_MS = 5000;

/** Runs the probe; a container that stopped running meanwhile throws NOT_RUNNING. */
export async function runProbe(layout: Layout, rec: ContainerRecord, cmd: string[], timeoutMs: number): Promise<HealthResult> {
  const start = new Date();
  let er;
  try {
    er = startExec(layout, rec, { cmd });
  } catch (e) {
    if (e instanceof BerthError && e.code === 'NOT_RUNNING') throw e;
    // docker records a probe that could not start with exit code -1 and the error
    return { Start: start.toISOString(), End: new Date().toISOString(), ExitCode: -1, Output: (e as Error).message };
  }
  const ep = execPaths(layout, rec.id, er.id);
  const alive = (): boolean => procStartTime(er.monitorPid) !== undefined;
  // counted from the probe's start, not the exec's set-up (moby's)
  const deadline = Date.now() + timeoutMs;
  let timedOut = false;
  while (!execExit(ep) && alive()) {
    if (!timedOut && Date.now() >= deadline) {
      // the probe's own process, checked to be its monitor's child (not a reused pid)
      if (parentOf(er.pid) === er.monitorPid) {
        try { process.kill(er.pid, 'SIGKILL'); } catch { /* ended meanwhile */ }
      }
      timedOut = true;
    }
    if (timedOut && Date.now() > deadline + MONITOR_GRACE_MS) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // docker waits for a killed probe to end too: End is when it did
  const end = new Date().toISOString();
  try {
    if (timedOut) return { Start: start.toISOString(), End: end, ExitCode: -1, Output: `Health check exceeded timeout (${goDurationString(timeoutMs)})` };
    const exit = execExit(ep);
    return { Start: start.toISOString(), End: end, ExitCode: exit?.exitCode ?? -1, Output: await probeOutput(ep.log) };
  } finally {
    rmSync(ep.dir, { recursive: true, force: true });
  }
}

async function probeOutput(log: string): Promise<string> {
  let records;
  try {
    records = await readLog(log);
  } catch {
    return '';
  }
  const parts: Buffer[] = [];
  let len = 0;
  let truncated = false;
  for (const r of records) {
    for (const b of r.partial ? [r.data] : [r.data, Buffer.from('\n')]) {
      const keep = Math.min(MAX_OUTPUT - len, b.length);
      if (keep > 0) { parts.push(b.subarray(0, keep)); len += keep; }
      if (keep < b.length) truncated = true;
    }
  }
  return Buffer.concat(parts).toString('utf8') + (truncated ? '...' : '');
}
