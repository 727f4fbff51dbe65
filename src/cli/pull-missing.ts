// docker's implicit pull for `run` / `create` (`--pull missing`, the default):
// an image named by reference that is not in the store is pulled first, with
// docker's lines on stderr (stdout stays the container's). `--pull always`
// pulls every time; `--pull never` only uses the store. IDs are never pulled.
import type { Argv } from 'yargs';
import { BerthError, type Engine } from '../engine/index.js';
import { familiar, parseReference } from '../engine/image/index.js';
import { pullAndReport } from './commands/pull.js';

export interface PullPolicyArgs { pull?: string; platform?: string }

export const pullValueFlags = ['pull', 'platform'];

export function pullOptions<T>(y: Argv<T>): Argv<T & PullPolicyArgs> {
  return y
    .option('pull', { type: 'string', choices: ['missing', 'always', 'never'], default: 'missing', describe: 'pull the image before running' })
    .option('platform', { type: 'string', describe: 'os/arch[/variant] when the image is pulled (default: this host)' }) as unknown as Argv<T & PullPolicyArgs>;
}

export async function pullIfMissing(engine: Engine, ref: string, a: PullPolicyArgs = {}): Promise<void> {
  const policy = a.pull ?? 'missing';
  if (policy === 'never') return;
  if (policy === 'missing') {
    try {
      await engine.images.get(ref);
      return;
    } catch (e) {
      if (!(e instanceof BerthError && e.code === 'NOT_FOUND')) throw e;
      if (/^(?:sha256:)?[a-f0-9]{64}$/.test(ref)) throw e;
    }
    process.stderr.write(`Unable to find image '${familiar(parseReference(ref))}' locally\n`);
  }
  // --insecure-registry is not a run flag: BERTH_INSECURE_REGISTRIES still applies
  await pullAndReport(engine, ref, { platform: a.platform }, process.stderr, { fullName: false });
}
