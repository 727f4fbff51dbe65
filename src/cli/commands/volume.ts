// `volume <command>`: create, ls/list, inspect, rm/remove, prune — docker's
// volume verbs over the engine's volume store.
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import type { VolumeRecord } from '../../engine/volume/index.js';
import { getBackend, getEngine, type GlobalArgs } from '../context.js';
import { embeddedOnly } from '../endpoint-flags.js';
import { forEachTarget } from '../each.js';
import { humanSize, printFormatted } from '../output.js';
import { goMap, goStruct } from '../../engine/template/index.js';
import { boolFilter, parseFilters } from '../../engine/index.js';
import { inspectEach } from '../inspect-output.js';
import { confirm } from '../confirm.js';
import { renamed } from '../command-alias.js';
import { keyValues } from '../../engine/units.js';
import type { Backend } from '../../backend/index.js';
import { naturalLess } from '../../engine/network/index.js';

const say = (s: string) => process.stdout.write(s + '\n');

/** What `volume inspect` shows: docker's fields (berth's bookkeeping stays on disk). */
const inspectView = (r: VolumeRecord) => ({
  CreatedAt: r.CreatedAt, Driver: r.Driver, Labels: goMap({ ...r.Labels }), Mountpoint: r.Mountpoint,
  Name: r.Name, Options: goMap({ ...r.Options }), Scope: r.Scope,
});

const LS_HEADER = {
  Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS',
  Size: 'SIZE', Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS',
};

interface CreateArgs extends GlobalArgs { name?: string; label?: string[]; opt?: string[]; driver?: string }

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create [name]',
  describe: 'Create a volume',
  builder: (y) =>
    y.positional('name', { type: 'string', describe: 'volume name (default: a random, anonymous one)' })
      .option('label', { type: 'string', array: true, nargs: 1, describe: 'set metadata on the volume (KEY=VALUE)' })
      .option('opt', { alias: 'o', type: 'string', array: true, nargs: 1, describe: 'driver options (none are supported by berth yet)' })
      .option('driver', { alias: 'd', type: 'string', default: 'local', describe: 'volume driver (only "local")' }) as never,
  handler: async (a) => {
    if (a.driver !== 'local') throw new BerthError('UNSUPPORTED', `volume driver "${a.driver}" is not available: berth has only "local"`);
    const v = await getBackend(a).volumes.create({ name: a.name, labels: keyValues(a.label), options: keyValues(a.opt) });
    say(v.Name);
  },
};

interface LsArgs extends GlobalArgs { quiet?: boolean; filter?: string[]; format?: string }

const lsCommand: CommandModule<GlobalArgs, LsArgs> = {
  command: 'ls',
  describe: 'List volumes',
  builder: (y) =>
    y.option('quiet', { alias: 'q', type: 'boolean', describe: 'only display volume names' })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, describe: 'filter: dangling=true|false, label=KEY[=VALUE], name=TEXT, driver=local' })
      .option('format', { type: 'string', describe: 'format: table, json, or a template ({{.Name}})' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    const engine = b.embedded;
    if (!engine) return listEndpointVolumes(b, a);
    const f = parseFilters(a.filter, ['dangling', 'driver', 'label', 'name']);
    if ((f.get('driver') ?? ['local']).every((d) => d !== 'local')) return; // every volume of berth's is "local"
    const labels = f.get('label') ?? [], name = f.get('name') ?? [];
    const dangling = boolFilter(f, 'dangling');
    const vols = engine.volumes.list(() => engine.containers.volumeUsers(), { labels, name, dangling });
    printVolumes(a, vols);
  },
};

/** docker's VolumeContext rows (Links and Size are N/A in a plain list: docker asks for usage only in df). */
function printVolumes(a: LsArgs, vols: Array<{ Name: string; Driver: string; Labels: Record<string, string>; Mountpoint: string; Scope: string }>): void {
  if (a.quiet) return void process.stdout.write(vols.map((v) => v.Name + '\n').join(''));
  const rows = vols.map((v) => goStruct({
    Availability: 'N/A', Driver: v.Driver, Group: 'N/A', Labels: Object.entries(v.Labels).map(([k, x]) => `${k}=${x}`).sort().join(','),
    Links: 'N/A', Mountpoint: v.Mountpoint, Name: v.Name, Scope: v.Scope, Size: 'N/A', Status: 'N/A',
    Label: (name: string): string => v.Labels[name] ?? '',
  }, '*formatter.volumeContext'));
  printFormatted(a.format, rows, { defaultTable: 'table {{.Driver}}\t{{.Name}}', header: LS_HEADER });
}

/** An endpoint's volumes, by name in docker's natural order (as docker's CLI sorts them). */
async function listEndpointVolumes(b: Backend, a: LsArgs): Promise<void> {
  if (a.filter?.length) embeddedOnly(b, '"volume ls --filter"');
  const vols = (await b.volumes.report()).sort((x, y) => naturalLess(x.name, y.name));
  printVolumes(a, vols.map((v) => ({ Name: v.name, Driver: v.driver, Labels: v.labels, Mountpoint: v.mountpoint, Scope: 'local' })));
}

interface InspectArgs extends GlobalArgs { volumes: string[]; format?: string }

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect <volumes..>',
  describe: 'Display detailed information on one or more volumes',
  builder: (y) =>
    y.positional('volumes', { type: 'string', array: true, nargs: 1, describe: 'volume names' })
      .option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.Mountpoint}})' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    const engine = b.embedded;
    // an endpoint's document is docker's own already
    await inspectEach(a.volumes, a.format, async (n) => (engine ? inspectView(engine.volumes.get(n)) : (await b.volumes.get(n)) as object));
  },
};

interface RmArgs extends GlobalArgs { volumes: string[]; force?: boolean }

const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm <volumes..>',
  describe: 'Remove one or more volumes (a volume a container uses cannot be removed)',
  builder: (y) =>
    y.positional('volumes', { type: 'string', array: true, nargs: 1, describe: 'volume names' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'do not fail on volumes that do not exist' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    await forEachTarget(a.volumes, async (n) => {
      await b.removeVolume(n, { force: a.force });
      say(n);
    });
  },
};

interface PruneArgs extends GlobalArgs { force?: boolean; all?: boolean; filter?: string[] }

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove unused volumes (anonymous ones; with --all, named ones too)',
  builder: (y) =>
    y.option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' })
      .option('all', { alias: 'a', type: 'boolean', describe: 'remove all unused volumes, not just anonymous ones' })
      .option('filter', { type: 'string', array: true, nargs: 1, describe: 'filter: label=KEY[=VALUE]' }) as never,
  handler: async (a) => {
    const labels = (a.filter ?? []).map((f) => {
      if (!f.startsWith('label=')) throw new BerthError('INVALID_ARGUMENT', `invalid filter "${f}": volume prune knows label=KEY[=VALUE]`);
      return f.slice(6);
    });
    if (!a.force) {
      const what = a.all ? 'all local volumes' : 'anonymous local volumes';
      if (!(await confirm(`WARNING! This will remove ${what} not used by at least one container.\nAre you sure you want to continue? [y/N] `))) return;
    }
    const engine = getEngine(a);
    const r = await engine.pruneVolumes({ all: a.all, labels });
    if (r.deleted.length) say(`Deleted Volumes:\n${r.deleted.join('\n')}\n`);
    say(`Total reclaimed space: ${humanSize(r.reclaimed)}`);
  },
};

export const volumeCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'volume <command>',
  describe: 'Manage volumes',
  builder: (y) =>
    y.command(createCommand).command(lsCommand).command(renamed(lsCommand, 'list')).command(inspectCommand)
      .command(rmCommand).command(renamed(rmCommand, 'remove')).command(pruneCommand)
      .demandCommand(1, 'name a volume command: berth volume --help') as never,
  handler: () => {},
};
