// docker's implicit pull for `run` / `create`: an image named by reference that
// is not in the store is pulled first, with docker's lines on stderr (stdout
// stays the container's). IDs that match nothing are not pulled.
import { BerthError, type Engine } from '../engine/index.js';
import { familiar, parseReference } from '../engine/image/index.js';
import { pullAndReport } from './commands/pull.js';

export async function pullIfMissing(engine: Engine, ref: string): Promise<void> {
  try {
    await engine.images.get(ref);
    return;
  } catch (e) {
    if (!(e instanceof BerthError && e.code === 'NOT_FOUND')) throw e;
    if (/^(?:sha256:)?[a-f0-9]{64}$/.test(ref)) throw e;
  }
  const name = familiar(parseReference(ref));
  process.stderr.write(`Unable to find image '${name}' locally\n`);
  // --insecure-registry is not a run flag: BERTH_INSECURE_REGISTRIES still applies
  await pullAndReport(engine, ref, {}, process.stderr, { fullName: false });
}
