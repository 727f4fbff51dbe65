// `ps`: docker's container list, with -a, -q, --no-trunc, --filter, --format, -n/-l.
import type { CommandModule } from 'yargs';
import type { ContainerSummary } from '../../engine/container/index.js';
import { BerthError } from '../../engine/index.js';
import { formatBinding } from '../../engine/network/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { humanDuration, printFormatted, printTable } from '../output.js';

interface PsArgs extends GlobalArgs {
  all?: boolean;
  quiet?: boolean;
  'no-trunc'?: boolean;
  filter?: string[];
  format?: string;
  last?: number;
  latest?: boolean;
}

const FILTERS = ['id', 'name', 'status', 'label', 'ancestor', 'exited'] as const;

function matches(s: ContainerSummary, key: string, value: string): boolean {
  switch (key) {
    case 'id': return s.id.startsWith(value);
    case 'name': return s.name.includes(value);
    case 'status': return s.state === value;
    case 'exited': return s.state === 'exited' && String(s.exitCode) === value;
    case 'ancestor': return s.image === value || s.imageId === value || s.imageId.startsWith(`sha256:${value}`);
    case 'label': {
      const eq = value.indexOf('=');
      return eq < 0 ? value in s.labels : s.labels[value.slice(0, eq)] === value.slice(eq + 1);
    }
    default: return false;
  }
}

/** docker's --filter semantics: values of one key are OR-ed, different keys AND-ed. */
export function applyFilters(list: ContainerSummary[], filters: string[]): ContainerSummary[] {
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    if (eq < 0 || !(FILTERS as readonly string[]).includes(key)) {
      throw new BerthError('INVALID_ARGUMENT', `invalid filter "${f}": use KEY=VALUE with KEY one of ${FILTERS.join(', ')}`);
    }
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)]);
  }
  return list.filter((s) => [...byKey].every(([k, vals]) => vals.some((v) => matches(s, k, v))));
}

export const psCommand: CommandModule<GlobalArgs, PsArgs> = {
  command: 'ps',
  describe: 'List containers',
  builder: (y) =>
    y.option('all', { alias: 'a', type: 'boolean', describe: 'show all containers (default shows just running)' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'only display container IDs' })
      .option('no-trunc', { type: 'boolean', describe: "don't truncate output" })
      .option('filter', { alias: 'f', type: 'string', array: true, describe: 'filter output (id, name, status, label, ancestor, exited)' })
      .option('format', { type: 'string', describe: 'json, table, or a template like {{.Names}}' })
      .option('last', { alias: 'n', type: 'number', describe: 'show n last created containers (includes all states)' })
      .option('latest', { alias: 'l', type: 'boolean', describe: 'show the latest created container (includes all states)' }) as never,
  handler: (a) => {
    const all = a.all || a.last !== undefined || a.latest || (a.filter ?? []).some((f) => /^(status|exited)=/.test(f));
    let list = applyFilters(getEngine(a).containers.list({ all }), a.filter ?? []);
    if (a.latest) list = list.slice(0, 1);
    else if (a.last !== undefined) list = list.slice(0, a.last);
    const id = (s: ContainerSummary) => (a['no-trunc'] ? s.id : s.id.slice(0, 12));
    if (a.quiet) {
      process.stdout.write(list.map((s) => id(s) + '\n').join(''));
      return;
    }
    // docker's "0.0.0.0:8080->80/tcp, …": the host ports a running container's -p got at its start
    const portsOf = (s: ContainerSummary) => (s.state === 'running' ? getEngine(a).containers.ports(s.id).map(formatBinding).join(', ') : '');
    const ports = new Map(list.map((s) => [s.id, portsOf(s)]));
    const rows = list.map((s) => ({
      ID: id(s), Image: s.image, Command: s.command, CreatedAt: s.created, RunningFor: s.status,
      Status: s.status, State: s.state, Names: s.name, Ports: ports.get(s.id)!, Labels: Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(','),
    }));
    printFormatted(a.format, rows, () => {
      const cmd = (c: string) => JSON.stringify(a['no-trunc'] || c.length <= 20 ? c : c.slice(0, 19) + '…');
      printTable(
        ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
        list.map((s) => [id(s), s.image, cmd(s.command), `${createdAgo(s.created)}`, s.status, ports.get(s.id)!, s.name]),
      );
    });
  },
};

const createdAgo = (iso: string): string => {
  const ms = Date.now() - Date.parse(iso);
  return ms < 1000 ? 'Less than a second ago' : `${humanDuration(ms)} ago`;
};
