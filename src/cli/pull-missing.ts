// docker's implicit pull for `run` / `create` (`--pull missing`, the default):
// the engine says whether the image must be pulled (Engine.needsPull); here the
// pull is reported with docker's lines on stderr (stdout stays the container's).
import type { Argv } from 'yargs';
import type { PullPolicy } from '../engine/index.js';
import type { Backend } from '../backend/index.js';
import { familiar, parseReference } from '../engine/image/index.js';
import { pullAndReport } from './commands/pull.js';

export interface PullPolicyArgs { pull?: string; platform?: string; quiet?: boolean }

export const pullValueFlags = ['pull', 'platform'];

export function pullOptions<T>(y: Argv<T>): Argv<T & PullPolicyArgs> {
  return y
    .option('pull', { type: 'string', choices: ['missing', 'always', 'never'], default: 'missing', describe: 'pull the image before running' })
    .option('platform', { type: 'string', describe: 'os/arch[/variant] when the image is pulled (default: this host)' }) as unknown as Argv<T & PullPolicyArgs>;
}

export async function pullIfMissing(b: Backend, ref: string, a: PullPolicyArgs = {}): Promise<void> {
  const policy = (a.pull ?? 'missing') as PullPolicy;
  if (!(await b.needsPull(ref, policy))) return;
  if (policy === 'missing') process.stderr.write(`Unable to find image '${familiar(parseReference(ref))}' locally\n`);
  // --insecure-registry is not a run flag: BERTH_INSECURE_REGISTRIES still applies
  await pullAndReport(b, ref, { platform: a.platform, quiet: a.quiet }, process.stderr, { fullName: false });
}
