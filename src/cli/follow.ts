// Following a container in the foreground (`run` without -d, `start -a`):
// its output to our stdout/stderr, our signals to it, its exit code back.
import type { ContainerService } from '../engine/container/index.js';
import { writeRecords } from './log-output.js';

/** With `signal`: stops following when it aborts (a detach), returning -1. */
export async function followOutput(
  containers: ContainerService, id: string, opts: { sigProxy: boolean; signal?: AbortSignal },
): Promise<number> {
  const ac = new AbortController();
  opts.signal?.addEventListener('abort', () => ac.abort(), { once: true });
  const proxied = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;
  const onSignal = (sig: NodeJS.Signals) => {
    try {
      containers.kill(id, sig);
    } catch {
      // the container is already gone; its exit will end the follow
    }
  };
  if (opts.sigProxy) for (const s of proxied) process.on(s, onSignal);
  try {
    // piece by piece: output without a newline (a prompt, a binary stream) shows at once
    await writeRecords(containers.logs(id, { follow: true, pieces: true, signal: ac.signal }));
    if (ac.signal.aborted) return -1;
    return await containers.wait(id);
  } finally {
    if (opts.sigProxy) for (const s of proxied) process.off(s, onSignal);
  }
}
