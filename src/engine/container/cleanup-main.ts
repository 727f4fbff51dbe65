// Run by a container's monitor when the container exits (as conmon runs
// `podman container cleanup`): node -- cleanup-main.js ROOT ID. Collects the exit
// and performs --rm, or the restart the policy asked for (restart-policy.ts),
// with no other berth process needed. A client that collected the exit first
// starts this too when a restart is due.
import { Layout } from '../store/layout.js';
import { withLock } from '../store/lock.js';
import { finalizeExit, removeStopped } from './finalize.js';
import { loadRecord } from './records.js';
import { restartIfDue } from './restart-policy.js';
import { startContainer } from './start.js';

const [root, id] = process.argv.slice(2);
const layout = new Layout(root);

// no top-level await: the bundle (scripts/bundle.mjs) is CommonJS
async function cleanup(): Promise<void> {
  if (await finalizeExit(layout, id)) {
    // a foreground client (`run --rm` without -d) holds the attach lock until it has read
    // all output; wait for it — the kernel drops the lock if that client dies
    await withLock(layout.container(id).attachLock, () => removeStopped(layout, id, { volumes: true }), { timeoutMs: Infinity });
    return;
  }
  await restartIfDue(() => loadRecord(layout, id), () => startContainer(layout, id, { byPolicy: true }));
}

cleanup().catch((e: unknown) => {
  process.stderr.write(`berth cleanup ${id}: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
