// RUN-step containers of builds that died (container/build-owner.ts): the build removes its
// step's container after the step, and nobody else will when it was killed first, so one is
// left — running, if its command still runs — until it is found here. `system check` reports
// it, its repair removes it (rm -f), and every `ps` (Engine.listContainers) and build start
// make the same repairs, so the next command after a killed build leaves none.
import type { Layout } from '../store/layout.js';
import { deadBuildOf, listRecords, loadRecord, type ContainerService } from '../container/index.js';
import type { Finding } from './types.js';

/** What the check needs of a container: a record's fields, or a `ps` row's. */
export interface Labelled { id: string; name: string; labels: Record<string, string> }

const fromRecords = (layout: Layout): Labelled[] => listRecords(layout).map((r) => ({ id: r.id, name: r.name, labels: r.config.labels }));

export function checkBuildContainers(layout: Layout, containers: ContainerService, listed: Labelled[] = fromRecords(layout)): Finding[] {
  return listed.flatMap((c): Finding[] => {
    const owner = deadBuildOf(c.labels);
    if (!owner) return [];
    return [{
      what: `container ${c.name} (${c.id.slice(0, 12)})`,
      problem: `a RUN step's container of a build that died (${owner})`,
      repair: {
        says: 'removed it (killed what still ran)',
        run: async () => {
          const now = loadRecord(layout, c.id);
          if (!now || !deadBuildOf(now.config.labels)) return false;
          await containers.remove(c.id, { force: true, volumes: true });
          return true;
        },
      },
    }];
  });
}

/** The repairs, each best effort (a full disk, a racing rm): the next command tries again.
 *  Returns whether there was any to make. */
export async function removeDeadBuildContainers(layout: Layout, containers: ContainerService, listed?: Labelled[]): Promise<boolean> {
  const found = checkBuildContainers(layout, containers, listed);
  for (const f of found) {
    try { await f.repair?.run(); } catch { /* see above */ }
  }
  return found.length > 0;
}
