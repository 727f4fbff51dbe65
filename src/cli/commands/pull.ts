// `pull`: docker pull — an image from a registry, with docker's progress lines
// and closing "Digest:" / "Status:" lines, then the full reference.
import type { CommandModule } from 'yargs';
import { familiar, formatReference, parseReference } from '../../engine/image/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { policyOf, progressFor, registryOptions, type RegistryArgs } from '../registry-flags.js';
import type { Engine } from '../../engine/index.js';
import { finishDespiteClosedPipe } from '../closed-pipe.js';

interface PullArgs extends GlobalArgs, RegistryArgs { name: string; platform?: string; quiet?: boolean }

/** Pulls `ref` and prints docker's summary; shared with `run`'s pull of a missing image. */
export async function pullAndReport(engine: Engine, ref: string, a: RegistryArgs & { platform?: string; quiet?: boolean },
  out: NodeJS.WriteStream = process.stdout, opts: { fullName?: boolean } = {}): Promise<void> {
  const r = await engine.registry.pull(ref, { policy: policyOf(a), progress: progressFor(a.quiet, out), platform: a.platform });
  const full = formatReference(r.reference);
  if (!a.quiet) {
    out.write(`Digest: ${r.digest}\n`);
    out.write(`Status: ${r.changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiar(r.reference)}\n`);
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
    await pullAndReport(getEngine(a), a.name, a);
  },
};
