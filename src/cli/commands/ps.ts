// `ps`: docker's container list, with -a, -q, -s, --no-trunc, --filter, --format, -n/-l.
// The rows are docker's ContainerContext (the fields and the `.Label "k"` method a
// --format template sees; `json .` gives its 14 keys); the engine selects them.
import type { CommandModule } from 'yargs';
import type { ContainerSummary } from '../../engine/container/index.js';
import { ellipsis, goTime } from '../../engine/format.js';
import { goQuote, goStruct, type ListFormat } from '../../engine/template/index.js';
import { displayPorts } from '../../engine/network/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { ago, humanSize, printFormatted } from '../output.js';

interface PsArgs extends GlobalArgs {
  all?: boolean;
  quiet?: boolean;
  size?: boolean;
  'no-trunc'?: boolean;
  filter?: string[];
  format?: string;
  last?: number;
  latest?: boolean;
}

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const HEADER = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Labels: 'LABELS', Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS',
};

/** docker's ContainerContext for one container: what `{{.Field}}` and `{{json .}}` see. The
 * columns the default table leaves out are getters: made only when a template reads them. */
export function psRow(s: ContainerSummary, trunc: boolean, size?: { rw: number; rootFs: number }, now = Date.now(), ports = ''): object {
  return goStruct({
    Command: goQuote(trunc ? ellipsis(s.command, 20) : s.command),
    get CreatedAt() { return goTime(s.created); },
    ID: trunc ? s.id.slice(0, 12) : s.id,
    Image: trunc ? shortImage(s) : s.image,
    get Labels() { return Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).sort().join(','); },
    get LocalVolumes() { return String(s.mounts.filter((m) => m.type === 'volume').length); },
    get Mounts() { return s.mounts.map((m) => (trunc ? ellipsis(m.name ?? m.source, 15) : m.name ?? m.source)).join(','); },
    Names: s.name,
    get Networks() { return s.networks.join(','); },
    Ports: ports,
    RunningFor: ago(s.created, now),
    Size: size ? `${humanSize(size.rw)}${size.rootFs > 0 ? ` (virtual ${humanSize(size.rootFs)})` : ''}` : '0B',
    State: s.state,
    Status: s.status,
    Label: (name: string): string => s.labels[name] ?? '',
  }, '*formatter.ContainerContext');
}

/** docker's truncated IMAGE: a short ID stays one; a reference loses its digest and docker.io/library/. */
function shortImage(s: ContainerSummary): string {
  const t = (x: string) => x.replace(/^sha256:/, '').slice(0, 12);
  if (t(s.imageId) === t(s.image)) return t(s.image);
  return s.image.replace(/@sha256:[a-f0-9]{64}$/, '').replace(/^(?:index\.)?docker\.io\/(?:library\/(?=[^/]+$))?/, '');
}

export const psCommand: CommandModule<GlobalArgs, PsArgs> = {
  command: 'ps',
  describe: 'List containers',
  builder: (y) =>
    y.option('all', { alias: 'a', type: 'boolean', describe: 'show all containers (default shows just running)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only display container IDs' })
      .option('size', { alias: 's', type: 'boolean', describe: 'display total file sizes' })
      .option('no-trunc', { type: 'boolean', describe: "don't truncate output" })
      .option('filter', { alias: 'f', type: 'string', array: true, nargs: 1, describe: 'filter output (ancestor, before, exited, health, id, label, name, network, since, status, volume)' })
      .option('format', { type: 'string', describe: 'json, table, table TEMPLATE, or a Go template like {{.Names}}' })
      .option('last', { alias: 'n', type: 'number', describe: 'show n last created containers (includes all states)' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'show the latest created container (includes all states)' }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    const limit = a.latest ? 1 : a.last !== undefined && a.last > 0 ? a.last : undefined;
    const list = await b.listContainers({ all: a.all, limit, filters: a.filter });
    const trunc = !a['no-trunc'];
    // docker turns --size on by itself when the template reads .Size
    const sized = !a.quiet && (a.size || (!!a.format && a.format.trim() !== 'json' && /\.Size\b/.test(a.format)));
    const rows = [];
    // docker's "0.0.0.0:8080->80/tcp, 443/tcp, …": the host ports a running container's -p got at
    // its start, and its exposed ports that have none
    const portsOf = (s: ContainerSummary) => displayPorts(s.ports);
    for (const s of list) rows.push(psRow(s, trunc, sized ? await b.containerSize(s) : undefined, Date.now(), portsOf(s)));
    const table: ListFormat = { defaultTable: DEFAULT_TABLE + (sized ? '\t{{.Size}}' : ''), header: HEADER };
    printFormatted(a.quiet ? '{{.ID}}' : a.format, rows, table);
  },
};
