// `pull`: docker pull — an image from a registry, with docker's progress lines
// and closing "Digest:" / "Status:" lines, then the full reference.
import type { CommandModule } from 'yargs';
import { familiar, formatReference, parseReference } from '../../engine/image/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { policyOf, progressFor, registryOptions, type RegistryArgs } from '../registry-flags.js';
import type { Backend } from '../../backend/index.js';
import { finishDespiteClosedPipe } from '../closed-pipe.js';
import { embeddedOnly } from '../endpoint-flags.js';

interface PullArgs extends GlobalArgs, RegistryArgs { name: string; platform?: string; quiet?: boolean }

/** Pulls `ref` and prints docker's summary; shared with `run`'s pull of a missing image. */
export async function pullAndReport(b: Backend, ref: string, a: RegistryArgs & { platform?: string; quiet?: boolean },
  out: NodeJS.WriteStream = process.stdout, opts: { fullName?: boolean } = {}): Promise<void> {
  // an endpoint's daemon keeps its own --insecure-registry: the flag is the embedded engine's
  if (a['insecure-registry']?.length && !b.embedded) embeddedOnly(b, '"--insecure-registry"');
  const r = await b.registry.pull(ref, { policy: policyOf(a), progress: progressFor(a.quiet, out), platform: a.platform });
  const reference = r.reference ?? parseReference(ref);
  const full = formatReference(reference);
  if (!a.quiet) {
    out.write(`Digest: ${r.digest}\n`);
    out.write(`Status: ${r.changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiar(reference)}\n`);
  }
  if (opts.fullName !== false) out.write(`${full}\n`);
}

export const pullCommand: CommandModule<GlobalArgs, PullArgs> = {
  command: 'pull <name>',
  describe: 'Download an image from a registry',
  builder: (y) =>
    registryOptions(y.positional('name', { type: 'string', describe: 'NAME[:TAG|@DIGEST]' }))
      .option('platform', { type: 'string', describe: 'os/arch[/variant] to pull from a multi-platform image (default: this host)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'suppress verbose output' }) as never,
  handler: async (a) => {
    finishDespiteClosedPipe();
    const ref = parseReference(a.name);
    if (!a.quiet && ref.digest === undefined && !/:[^/]*$/.test(a.name)) process.stdout.write(`Using default tag: ${ref.tag}\n`);
    await pullAndReport(getBackend(a), a.name, a);
  },
};
