// `network <command>`: create, ls/list, inspect, rm/remove, prune, connect,
// disconnect — docker's network verbs over the engine's network store.
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getBackend, getEngine, type GlobalArgs } from '../context.js';
import { forEachTarget } from '../each.js';
import { ExitStatus, reportError } from '../exit-codes.js';
import { printFormatted } from '../output.js';
import { goStruct } from '../../engine/template/index.js';
import { naturalLess, pruneTest } from '../../engine/network/index.js';
import { inspectEach } from '../inspect-output.js';
import { confirm } from '../confirm.js';
import { renamed } from '../command-alias.js';
import { keyValues } from '../../engine/units.js';

const say = (s: string) => process.stdout.write(s + '\n');

interface CreateArgs extends GlobalArgs {
  name: string; driver?: string; subnet?: string[]; gateway?: string[]; 'ip-range'?: string[];
  internal?: boolean; attachable?: boolean; label?: string[]; opt?: string[]; ipv6?: boolean;
}

/** docker takes one IPv4 pool per flag occurrence; berth supports one. */
function single(list: string[] | undefined, flag: string): string | undefined {
  if ((list?.length ?? 0) > 1) throw new BerthError('UNSUPPORTED', `only one ${flag} is supported`);
  return list?.[0];
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <name>',
  describe: 'Create a network',
  builder: (y) =>
    y.positional('name', { type: 'string', describe: 'network name' })
      .option('driver', { alias: 'd', type: 'string', default: 'bridge', describe: 'driver to manage the network (only "bridge")' })
      .option('subnet', { type: 'string', array: true, nargs: 1, describe: 'subnet in CIDR format (e.g. 172.30.0.0/16)' })
      .option('gateway', { type: 'string', array: true, nargs: 1, describe: 'IPv4 gateway for the subnet' })
      .option('ip-range', { type: 'string', array: true, nargs: 1, describe: 'allocate container addresses from a sub-range' })
      .option('internal', { type: 'boolean', describe: 'restrict external access to the network' })
      .option('attachable', { type: 'boolean', describe: 'enable manual container attachment' })
      .option('ipv6', { type: 'boolean', describe: 'enable IPv6 (not supported by berth yet)' })
      .option('label', { type: 'string', array: true, nargs: 1, describe: 'set metadata on a network (KEY=VALUE)' })
      .option('opt', { alias: 'o', type: 'string', array: true, nargs: 1, describe: 'driver options (com.docker.network.bridge.name=NAME)' }) as never,
  handler: async (a) => {
    if (a.ipv6) throw new BerthError('UNSUPPORTED', 'IPv6 networks are not supported by berth yet');
    const n = await getBackend(a).createNetwork({
      name: a.name, driver: a.driver, subnet: single(a.subnet, '--subnet'), gateway: single(a.gateway, '--gateway'),
      ipRange: single(a['ip-range'], '--ip-range'), internal: a.internal, attachable: a.attachable,
      labels: keyValues(a.label), options: keyValues(a.opt),
    });
    say(n.Id);
  },
};

interface LsArgs extends GlobalArgs { quiet?: boolean; format?: string; 'no-trunc'?: boolean }

const lsCommand: CommandModule<GlobalArgs, LsArgs> = {
  command: 'ls',
  describe: 'List networks',
  builder: (y) =>
    y.option('quiet', { alias: 'q', type: 'boolean', describe: 'only display network IDs' })
      .option('no-trunc', { type: 'boolean', describe: 'do not truncate the output' })
      .option('format', { type: 'string', describe: 'format: table, json, or a template ({{.Name}})' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    await b.embedded?.networks.ensureDefault(); // docker's bridge network always exists
    // docker's CLI sorts by name (natural order); berth's own list is kept in that order already
    const nets = [...await b.networks.list()].sort((x, y) => naturalLess(x.Name, y.Name));
    const id = (x: string) => (a['no-trunc'] ? x : x.slice(0, 12));
    if (a.quiet) return void process.stdout.write(nets.map((n) => id(n.Id) + '\n').join(''));
    // docker's networkContext
    const rows = nets.map((n) => goStruct({
      CreatedAt: n.Created ?? '', Driver: n.Driver, ID: id(n.Id), IPv6: String(!!n.EnableIPv6), Internal: String(!!n.Internal),
      Labels: Object.entries(n.Labels).map(([k, v]) => `${k}=${v}`).sort().join(','), Name: n.Name, Scope: n.Scope ?? 'local',
      Label: (name: string): string => n.Labels[name] ?? '',
    }, '*formatter.networkContext'));
    printFormatted(a.format, rows, {
      defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
      header: { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', CreatedAt: 'CREATED AT', Labels: 'LABELS' },
    });
  },
};

interface InspectArgs extends GlobalArgs { networks: string[]; format?: string }

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect <networks..>',
  describe: 'Display detailed information on one or more networks',
  builder: (y) =>
    y.positional('networks', { type: 'string', array: true, nargs: 1, describe: 'network names or IDs' })
      .option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.IPAM.Config}})' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    if (a.networks.includes('bridge')) await b.embedded?.networks.ensureDefault();
    await inspectEach(a.networks, a.format, async (n) => (await b.networks.get(n)) as object);
  },
};

interface RmArgs extends GlobalArgs { networks: string[]; force?: boolean }

const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm <networks..>',
  describe: 'Remove one or more networks',
  builder: (y) =>
    y.positional('networks', { type: 'string', array: true, nargs: 1, describe: 'network names or IDs' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'do not fail on networks that do not exist' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    await forEachTarget(a.networks, async (n) => {
      try {
        await b.removeNetwork(n);
      } catch (e) {
        // docker's CLI names only what it removed: a missing network under -f prints nothing
        if (a.force && e instanceof BerthError && e.code === 'NOT_FOUND') return;
        throw e;
      }
      say(n);
    });
  },
};

interface PruneArgs extends GlobalArgs { force?: boolean; filter?: string[] }

const pruneCommand: CommandModule<GlobalArgs, PruneArgs> = {
  command: 'prune',
  describe: 'Remove all unused networks',
  builder: (y) =>
    y.option('force', { alias: 'f', type: 'boolean', describe: 'do not prompt for confirmation' })
      .option('filter', { type: 'string', array: true, nargs: 1, describe: 'filter: until=TIME, label=KEY[=VALUE], label!=KEY[=VALUE]' }) as never,
  handler: async (a) => {
    pruneTest(a.filter); // a bad filter is refused before the prompt
    if (!a.force && !(await confirm('WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] '))) return;
    const gone = await getEngine(a).pruneNetworks({ filters: a.filter });
    if (gone.length) say(`Deleted Networks:\n${gone.join('\n')}\n`);
  },
};

interface ConnectArgs extends GlobalArgs { network: string; container: string; ip?: string; alias?: string[] }

const connectCommand: CommandModule<GlobalArgs, ConnectArgs> = {
  command: 'connect <network> <container>',
  describe: 'Connect a container to a network',
  builder: (y) =>
    y.positional('network', { type: 'string' }).positional('container', { type: 'string' })
      .option('ip', { type: 'string', describe: 'IPv4 address (e.g. 172.30.100.104)' })
      .option('alias', { type: 'string', array: true, nargs: 1, describe: 'add a network-scoped alias for the container' }) as never,
  handler: async (a) => {
    await getEngine(a).containers.connectNetwork(a.container, a.network, { ip: a.ip, aliases: a.alias });
  },
};

const disconnectCommand: CommandModule<GlobalArgs, ConnectArgs> = {
  command: 'disconnect <network> <container>',
  describe: 'Disconnect a container from a network',
  builder: (y) =>
    y.positional('network', { type: 'string' }).positional('container', { type: 'string' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'accepted for docker compatibility' }) as never,
  handler: async (a) => {
    await getEngine(a).containers.disconnectNetwork(a.container, a.network);
  },
};

export const networkCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'network <command>',
  describe: 'Manage networks',
  builder: (y) =>
    y.command(createCommand).command(lsCommand).command(renamed(lsCommand, 'list')).command(inspectCommand)
      .command(rmCommand).command(renamed(rmCommand, 'remove')).command(pruneCommand)
      .command(connectCommand).command(disconnectCommand)
      .demandCommand(1, 'name a network command: berth network --help') as never,
  handler: () => {},
};
