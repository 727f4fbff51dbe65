// Inter-process locks on lock files with flock(2): released by the kernel when
// a process dies, so a crashed CLI never leaves a stale lock. Waiting is done
// with short non-blocking retries so an event loop (the TUI) keeps running.
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { flock, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN } from '../../native/index.js';
import { BerthError } from '../errors.js';

const LOCK_TIMEOUT_MS = 30_000;

/** `create: false` opens an existing lock file only (ENOENT otherwise): for locks that live
 * inside the directory they guard, which must not be re-created once that directory goes. */
export async function withLock<T>(
  lockPath: string,
  fn: () => Promise<T> | T,
  opts: { shared?: boolean; timeoutMs?: number; create?: boolean } = {},
): Promise<T> {
  const fd = openLock(lockPath, opts.create ?? true);
  try {
    const op = (opts.shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
    const timeout = opts.timeoutMs ?? LOCK_TIMEOUT_MS;
    const deadline = Date.now() + timeout;
    let delay = 1;
    while (!flock(fd, op)) {
      if (Date.now() > deadline) {
        throw new BerthError('CONFLICT', `timed out after ${timeout / 1000}s waiting for lock ${lockPath}: another berth process holds it`);
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 20);
    }
    try {
      return await fn();
    } finally {
      flock(fd, LOCK_UN);
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs fn (synchronous) under an exclusive lock if it is free now; undefined if it is held. */
export function tryLock<T>(lockPath: string, fn: () => T): T | undefined {
  const fd = openLock(lockPath, false);
  try {
    if (!flock(fd, LOCK_EX | LOCK_NB)) return undefined;
    try {
      return fn();
    } finally {
      flock(fd, LOCK_UN);
    }
  } finally {
    closeSync(fd);
  }
}

function openLock(lockPath: string, create: boolean): number {
  return create ? openSync(lockPath, 'a', 0o600) : openSync(lockPath, 'r');
}

/** Takes the lock now if it is free (shared or exclusive) and keeps it until the returned
 * release is called (or the process dies); undefined when it is held elsewhere. For a lock
 * held across events rather than around one call (container/collector.ts). */
export function holdLock(lockPath: string, opts: { shared?: boolean } = {}): (() => void) | undefined {
  const fd = openLock(lockPath, true);
  if (!flock(fd, (opts.shared ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
    closeSync(fd);
    return undefined;
  }
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    closeSync(fd); // the kernel drops the flock with the last descriptor
  };
}
