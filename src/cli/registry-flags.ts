// Options shared by the registry commands (pull, push, login, run's implicit
// pull): --insecure-registry (docker's daemon option, here per command, plus
// BERTH_INSECURE_REGISTRIES) and the progress style.
import type { Argv } from 'yargs';
import { createProgress, policyFrom, type ProgressSink, type RegistryPolicy } from '../engine/registry/index.js';

export interface RegistryArgs { 'insecure-registry'?: string[] }

export function registryOptions<T>(y: Argv<T>): Argv<T & RegistryArgs> {
  return y.option('insecure-registry', {
    type: 'string', array: true, requiresArg: true,
    describe: 'HOST[:PORT] to reach over plain HTTP (loopback registries always are); also $BERTH_INSECURE_REGISTRIES',
  }) as unknown as Argv<T & RegistryArgs>;
}

export const policyOf = (a: RegistryArgs): RegistryPolicy => policyFrom(a['insecure-registry'] ?? []);

/** docker's layout: redrawn lines on a terminal, plain lines in pipes and logs, nothing with -q. */
export function progressFor(quiet: boolean | undefined, out: NodeJS.WriteStream = process.stdout): ProgressSink {
  return createProgress(quiet ? 'quiet' : out.isTTY ? 'tty' : 'plain', out);
}

