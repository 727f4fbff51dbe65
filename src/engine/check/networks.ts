// Network checks: an address (endpoint) held for a container that no longer
// runs and is not starting — what a container removed or settled behind the
// engine's back leaves (a killed rm, a monitor that died, a directory that a
// repair removed). docker frees the address when the run ends; so does this.
import type { Layout } from '../store/layout.js';
import { NetworkStore } from '../network/index.js';
import { deriveState, loadRecord, releaseNetworks, withContainerLock } from '../container/index.js';
import type { Finding } from './types.js';

/** True when nothing of the container runs or is about to (a start holds its lock and a plan). */
function stale(layout: Layout, id: string): boolean {
  const rec = loadRecord(layout, id);
  return !rec || (!rec.starting && !deriveState(rec, layout.container(id)).running);
}

/** `running`: the IDs a listing found running a moment ago (`ps` passes its rows), whose
 * records need not be read and their state derived a second time; what stopped since is
 * found by the next command. */
export function checkNetworks(layout: Layout, running?: ReadonlySet<string>): Finding[] {
  const store = new NetworkStore(layout);
  const ids = new Set(store.list().flatMap((n) => Object.keys(n.Containers)));
  return [...ids].filter((id) => !running?.has(id) && stale(layout, id)).map((id): Finding => ({
    what: `endpoint of ${id.slice(0, 12)}`,
    problem: 'an address is held for a container that does not run',
    repair: {
      says: 'released its addresses and ports',
      run: async () => {
        const release = async () => {
          if (!stale(layout, id)) return false;
          await releaseNetworks(layout, id);
          return true;
        };
        // under the container's lock while it exists, so a start cannot race the release
        return loadRecord(layout, id) ? withContainerLock(layout, id, release) : release();
      },
    },
  }));
}
