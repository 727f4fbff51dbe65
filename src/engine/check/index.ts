// `system check`: finds what a crash, a kill or a full disk left inconsistent
// between the files and the kernel (podman's `system check`), and repairs what
// is safe to repair. Also the cheap count `info` shows and `system boot` runs.
import type { Layout } from '../store/layout.js';
import type { ImageStore } from '../image/index.js';
import type { ContainerService } from '../container/index.js';
import { checkContainers } from './containers.js';
import { checkStorage } from './storage.js';
import { checkTemp } from './temp.js';
import { checkNetworks } from './networks.js';
import { checkResolvers } from './resolvers.js';
import { checkBuildContainers } from './builds.js';
import type { CheckOptions, Finding } from './types.js';

export type { CheckOptions, Finding, Repair } from './types.js';
export { checkNetworks } from './networks.js';
export { removeDeadBuildContainers } from './builds.js';

export async function checkSystem(layout: Layout, images: ImageStore, containers: ContainerService, opts: CheckOptions = {}): Promise<Finding[]> {
  return [...checkContainers(layout), ...checkBuildContainers(layout, containers), ...checkNetworks(layout), ...checkResolvers(layout), ...await checkStorage(layout, images, opts), ...checkTemp(layout)];
}

export interface RepairReport { finding: Finding; done: boolean; error?: string }

/** Repairs each finding that has a repair, in order; one failure does not stop the others. */
export async function repairFindings(findings: Finding[]): Promise<RepairReport[]> {
  const out: RepairReport[] = [];
  for (const finding of findings) {
    if (!finding.repair) continue;
    try {
      out.push({ finding, done: await finding.repair.run() });
    } catch (e) {
      out.push({ finding, done: false, error: (e as Error).message });
    }
  }
  return out;
}
