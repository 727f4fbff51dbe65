// A closed stdout or stderr (`berth logs -f c | head -1`): node ignores SIGPIPE, so a
// write fails with EPIPE instead of ending the process. Most commands then end as
// SIGPIPE would have ended them (status 141); commands that change state while they
// print (pull, push, load) finish their work quietly instead of stopping half way.

let finishQuietly = false;

/** For commands whose work must not be cut short by a reader that went away. */
export function finishDespiteClosedPipe(): void {
  finishQuietly = true;
}

export function handleClosedPipes(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      if (!finishQuietly) process.exit(128 + 13); // 13 = SIGPIPE
    });
  }
}
