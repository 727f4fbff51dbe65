// Commands over several containers (stop a b c): act on each, report each
// failure as its own line, and fail overall if any failed — like docker.
import { ExitStatus, reportError } from './exit-codes.js';

export async function forEachTarget(targets: string[], fn: (t: string) => Promise<void> | void): Promise<void> {
  let status = 0;
  for (const t of targets) {
    try {
      await fn(t);
    } catch (e) {
      status = reportError(e);
    }
  }
  if (status) throw new ExitStatus(status);
}
