// Named crash points for the crash-point harness (test/reliability/crash-points.test.ts):
// BERTH_CRASH_AT=step[,step] SIGKILLs this process when it reaches that step, so a
// test can cut a command short exactly between "intent written" and "committed".
// One environment read at load, one comparison per step: nothing in production.
const wanted = process.env.BERTH_CRASH_AT ? new Set(process.env.BERTH_CRASH_AT.split(',')) : undefined;

export function crashPoint(step: string): void {
  if (wanted?.has(step)) process.kill(process.pid, 'SIGKILL');
}
