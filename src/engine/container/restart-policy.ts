// docker's restart policies without a daemon. When a container exits, whoever
// collects the exit (finalizeExit: the monitor's cleanup process, or a client
// that collected it first) asks restartDecision() and, if the policy says so,
// marks the record `restarting` with the delay, in the same locked step. The
// cleanup process then sleeps that delay and starts the container again
// (restartIfDue); a client that collected the exit hands that over to a
// detached cleanup process. A user's stop or kill ends the policy (manualStop),
// and so does rm; `start` clears it. Backoff as docker's restart manager: 100 ms,
// doubled for each restart, at most a minute, back to 100 ms after a run of 10 s.
// After a host reboot nothing runs: bootRestart() is what a boot unit calls.
import { setTimeout as sleep } from 'node:timers/promises';
import { invalid } from '../errors.js';
import type { ContainerExit, ContainerRecord } from './types.js';

export interface RestartPolicy {
  Name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  /** on-failure's limit; 0 = no limit. */
  MaximumRetryCount: number;
}

export const NO_RESTART: RestartPolicy = { Name: 'no', MaximumRetryCount: 0 };

/** docker's --restart syntax: no | always | unless-stopped | on-failure[:max-retries]; docker's messages. */
export function parseRestartPolicy(s: string): RestartPolicy {
  const [name, count, ...rest] = s.split(':');
  const known = name === 'no' || name === 'always' || name === 'unless-stopped' || name === 'on-failure';
  if (!known || rest.length) throw invalid(`invalid restart policy '${s}'`);
  if (count !== undefined && name !== 'on-failure') throw invalid(`maximum retry count cannot be used with restart policy '${name}'`);
  if (count !== undefined && !/^\d+$/.test(count)) throw invalid(`invalid restart policy '${s}': maximum retry count must be a positive integer`);
  return { Name: name, MaximumRetryCount: count === undefined ? 0 : Number(count) };
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 60_000;
const RESET_AFTER_MS = 10_000;

/** Whether the exit just collected restarts the container, and after how long. Pure. */
export function restartDecision(rec: ContainerRecord, exit: ContainerExit): { restart: boolean; delayMs: number } {
  const p = rec.config.restartPolicy ?? NO_RESTART;
  const ran = rec.run ? Date.parse(exit.finishedAt) - Date.parse(rec.run.startedAt) : 0;
  const delayMs = ran >= RESET_AFTER_MS || !rec.restartDelayMs ? FIRST_DELAY_MS : Math.min(rec.restartDelayMs * 2, MAX_DELAY_MS);
  const no = { restart: false, delayMs };
  if (rec.manualStop || rec.config.autoRemove) return no;
  switch (p.Name) {
    case 'always':
    case 'unless-stopped':
      return { restart: true, delayMs };
    case 'on-failure':
      return exit.exitCode !== 0 && (p.MaximumRetryCount === 0 || rec.restartCount < p.MaximumRetryCount) ? { restart: true, delayMs } : no;
    default:
      return no;
  }
}

/** Whether the container comes back when the host has booted (docker's daemon start-up rule:
 *  started before, and always — even if stopped by hand — or unless-stopped and not stopped by hand). */
export function startsAtBoot(rec: ContainerRecord): boolean {
  const p = rec.config.restartPolicy ?? NO_RESTART;
  return rec.run !== undefined && (p.Name === 'always' || (p.Name === 'unless-stopped' && !rec.manualStop));
}

/**
 * The wait before a marked restart, then `start` (which checks the mark again under
 * the lock). The wait ends early when the mark goes (stop, kill, start, rm): no
 * process is left sleeping for a container that is gone.
 */
export async function restartIfDue(load: () => ContainerRecord | undefined, start: () => Promise<unknown>): Promise<void> {
  const mark = load()?.restarting;
  if (!mark) return;
  for (let left = mark.delayMs; left > 0; left -= 100) {
    await sleep(Math.min(left, 100));
    if (load()?.restarting?.since !== mark.since) return;
  }
  await start();
}
