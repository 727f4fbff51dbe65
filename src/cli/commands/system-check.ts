// `system check [--repair] [--quick] [--max AGE]` and `system boot`: what crashes,
// kills and full disks left inconsistent, found and (what is safe) repaired.
// Exit 1 while problems remain, as a check that found something should.
import type { CommandModule } from 'yargs';
import type { Engine, Finding } from '../../engine/index.js';
import { parseDuration } from '../../engine/log/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { ExitStatus } from '../exit-codes.js';

interface CheckArgs extends GlobalArgs { repair?: boolean; quick?: boolean; max?: string }

const say = (s: string) => process.stdout.write(s + '\n');

/** Prints the findings, repairs when asked, checks again; returns how many problems remain. */
async function checkAndRepair(engine: Engine, repair: boolean, opts: { quick?: boolean; maxLayerAgeMs?: number }): Promise<number> {
  const found = await engine.check(opts);
  if (!found.length) {
    say('No problems found');
    return 0;
  }
  say(`Found ${found.length} problem${found.length === 1 ? '' : 's'}:`);
  for (const f of found) say(`  ${f.what}: ${f.problem}${f.repair ? '' : ' (--repair leaves this to you)'}`);
  if (!repair) return found.length;
  for (const r of await engine.repair(found)) {
    if (r.error) say(`Could not repair ${r.finding.what}: ${r.error}`);
    else say(`Repaired ${r.finding.what}: ${r.done ? r.finding.repair!.says : 'fine by now'}`);
  }
  const left: Finding[] = await engine.check(opts);
  for (const f of left) say(`Remains: ${f.what}: ${f.problem}`);
  if (!left.length) say('No problems remain');
  return left.length;
}

export const checkCommand: CommandModule<GlobalArgs, CheckArgs> = {
  command: 'check',
  describe: 'Check the consistency of containers, images and storage',
  builder: (y) =>
    y.option('repair', { alias: 'r', type: 'boolean', describe: 'repair what is safe to repair, and say what was done' })
      .option('quick', { alias: 'q', type: 'boolean', describe: 'skip the slow checks (reading every blob)' })
      .option('max', { alias: 'm', type: 'string', describe: 'age above which a layer no image uses is a problem (default 24h)' }) as never,
  handler: async (a) => {
    let maxLayerAgeMs: number | undefined;
    try {
      maxLayerAgeMs = a.max === undefined ? undefined : parseDuration(a.max, '--max');
    } catch (e) {
      // a flag value that does not parse is a usage error, as pflag's in docker: 125
      process.stderr.write(`invalid argument "${a.max}" for "-m, --max" flag: ${(e as Error).message}\nSee 'berth system check --help'.\n`);
      throw new ExitStatus(125);
    }
    const left = await checkAndRepair(getEngine(a), !!a.repair, { quick: a.quick, maxLayerAgeMs });
    if (left) throw new ExitStatus(1);
  },
};

export const bootCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'boot',
  describe: 'Reconcile state after a host reboot (run once at boot: collects the exits of containers the reboot ended, then starts those whose restart policy says so)',
  handler: async (a) => {
    const engine = getEngine(a);
    // docker's daemon start-up: always / unless-stopped containers come back. First: each is
    // started right after its lost exit is collected, before the exit hook that collection
    // spawns could restart it by the policy (which would count a restart docker does not count)
    for (const id of await engine.containers.bootRestart()) say(`Started container ${engine.containers.find(id).name} (restart policy)`);
    const left = await checkAndRepair(engine, true, { quick: true });
    if (left) throw new ExitStatus(1);
  },
};
