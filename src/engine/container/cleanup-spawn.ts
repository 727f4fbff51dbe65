// Starts a container's exit hook (cleanup-main.ts: collect the exit, then --rm or
// the restart its policy asks for) as a detached process. The monitor runs it when
// the container exits; whoever finds an exit the monitor could not handle — a
// client that collected it first, a reader that found the monitor dead — starts
// it here instead, so --rm and restart policies hold without any resident process.
import { fileURLToPath } from 'node:url';
import type { Layout } from '../store/layout.js';
import { nodeHelperArgv, spawnNodeHelper } from '../node-helper.js';

/** The hook's script; its arguments are ROOT ID. */
export const cleanupMain = fileURLToPath(new URL('./cleanup-main.js', import.meta.url));

/** The monitor's argv tail that runs the hook. */
export const cleanupArgv = (layout: Layout, id: string): string[] => nodeHelperArgv(cleanupMain, [layout.root, id]);

export function spawnCleanup(layout: Layout, id: string): void {
  spawnNodeHelper(cleanupMain, [layout.root, id]);
}
