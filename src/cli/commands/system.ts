// `system <command>`: df — docker's disk usage summary; with -v, per image,
// container and volume (a volume's size, its links and when it was last used);
// check and boot (system-check.ts).
import type { CommandModule } from 'yargs';
import { familiarName, parseReference, shortId } from '../../engine/image/index.js';
import type { DiskUsage } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { ago, humanSize, printFormatted, printJson, printTable } from '../output.js';
import { bootCommand, checkCommand } from './system-check.js';
import { serviceCommand } from './system-service.js';
import { dialStdioCommand } from './system-dial-stdio.js';

interface DfArgs extends GlobalArgs { verbose?: boolean; format?: string }

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const reclaim = (bytes: number, total: number): string =>
  `${humanSize(bytes)}${total ? ` (${Math.round((bytes / total) * 100)}%)` : ''}`;
/** A volume's LAST USED: docker says "Never" for one no container has used. */
const lastUsed = (iso: string | undefined, now: number): string => (iso ? ago(iso, now) : 'Never');

/** The four summary rows (docker's TYPE TOTAL ACTIVE SIZE RECLAIMABLE). */
function summaryRows(du: DiskUsage): Record<string, string>[] {
  // shared layers count once (an image's own size counts every layer it uses)
  const imgTotal = du.imageLayers.total;
  const ctrTotal = sum(du.containers.map((c) => c.size));
  const volTotal = sum(du.volumes.map((v) => v.size));
  const running = (s: string) => s === 'running' || s === 'paused';
  // keys in docker's order: its JSON is the sorted methods of the row's context
  const row = (Type: string, TotalCount: string, Active: string, Size: string, Reclaimable: string) => ({ Active, Reclaimable, Size, TotalCount, Type });
  return [
    row('Images', String(du.images.length), String(du.images.filter((i) => i.containers).length),
      humanSize(imgTotal), reclaim(du.imageLayers.reclaimable, imgTotal)),
    row('Containers', String(du.containers.length), String(du.containers.filter((c) => running(c.summary.state)).length),
      humanSize(ctrTotal), reclaim(sum(du.containers.filter((c) => !running(c.summary.state)).map((c) => c.size)), ctrTotal)),
    row('Local Volumes', String(du.volumes.length), String(du.volumes.filter((v) => v.containers.length).length),
      humanSize(volTotal), reclaim(sum(du.volumes.filter((v) => !v.containers.length).map((v) => v.size)), volTotal)),
    row('Build Cache', String(du.buildCache.count), '0', humanSize(du.buildCache.size), humanSize(du.buildCache.size)),
    // berth's own: imports, pulls and exports still running (what a killed one left is gone already)
    ...(du.temporary.length ? [row('Temporary files', String(du.temporary.length), String(du.temporary.length),
      humanSize(sum(du.temporary.map((t) => t.size))), '0B')] : []),
  ];
}

function printVerbose(du: DiskUsage, now: number): void {
  const say = (s: string) => process.stdout.write(s + '\n');
  say('Images space usage:\n');
  printTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE', 'CONTAINERS'], du.images.flatMap(({ image, containers }) => {
    const refs = image.repoTags.map((t) => parseReference(t));
    const names: [string, string][] = refs.length ? refs.map((r) => [familiarName(r), r.tag ?? '<none>']) : [['<none>', '<none>']];
    return names.map(([repo, tag]) =>
      [repo, tag, shortId(image.id), ago(image.created, now), humanSize(image.size), String(containers)]);
  }));
  say('\nContainers space usage:\n');
  printTable(['CONTAINER ID', 'IMAGE', 'COMMAND', 'LOCAL VOLUMES', 'SIZE', 'CREATED', 'STATUS', 'NAMES'], du.containers.map(({ summary: s, size, volumes }) => [
    s.id.slice(0, 12), s.image, JSON.stringify(s.command.length > 20 ? s.command.slice(0, 19) + '…' : s.command), String(volumes),
    humanSize(size), ago(s.created, now), s.status, s.name,
  ]));
  say('\nLocal Volumes space usage:\n');
  printTable(['VOLUME NAME', 'LINKS', 'SIZE', 'LAST USED'], du.volumes.map((v) => [v.name, String(v.containers.length), humanSize(v.size), lastUsed(v.lastUsedAt, now)]));
  say(`\nBuild cache usage: ${humanSize(du.buildCache.size)}`);
}

const dfCommand: CommandModule<GlobalArgs, DfArgs> = {
  command: 'df',
  describe: 'Show disk usage of images, containers and volumes',
  builder: (y) =>
    y.option('verbose', { alias: 'v', type: 'boolean', describe: 'show detailed information on space usage' })
      .option('format', { type: 'string', describe: 'table, json, or a template ({{.Type}} {{.Size}})' }) as never,
  handler: async (a) => {
    const du = await getEngine(a).diskUsage();
    const now = Date.now();
    if (a.verbose && a.format === 'json') {
      // docker's verbose JSON: one object with a list per type
      return printJson({
        Images: du.images.map(({ image, containers }) => ({ ID: image.id, RepoTags: image.repoTags, Size: image.size, Containers: containers, Created: image.created })),
        Containers: du.containers.map(({ summary: s, size, volumes }) => ({ ID: s.id, Names: s.name, Image: s.image, SizeRw: size, LocalVolumes: volumes, State: s.state, Status: s.status })),
        Volumes: du.volumes.map((v) => ({
          Name: v.name, Driver: v.driver, Mountpoint: v.mountpoint, Labels: v.labels, CreatedAt: v.createdAt, Scope: 'local',
          UsageData: { Size: v.size, RefCount: v.containers.length }, LastUsedAt: v.lastUsedAt ?? null,
        })),
        BuildCache: [],
      });
    }
    if (a.verbose) return printVerbose(du, now);
    const rows = summaryRows(du);
    printFormatted(a.format, rows, {
      defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
      header: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
    });
  },
};

export const systemCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'system <command>',
  describe: 'Manage berth (disk usage, consistency check, reconcile after boot)',
  builder: (y) => y.command(dfCommand).command(checkCommand).command(bootCommand).command(serviceCommand).command(dialStdioCommand).demandCommand(1, 'name a system command: berth system --help') as never,
  handler: () => {},
};
