// The three lists as text rows: pure functions from model items to one header
// line and one line per row, sized to the pane's width. Colours come from the
// theme; marks and selection are added by the list pane.
import type { ContainerSummary } from '../../engine/container/index.js';
import type { ImageRecord } from '../../engine/image/index.js';
import { familiar, parseReference, shortId } from '../../engine/image/index.js';
import type { VolumeUsage } from '../../engine/volume/index.js';
import type { Theme } from '../theme.js';
import type { StatsHistory } from '../model/stats-history.js';
import { cell, color, esc, since, size, sparkline } from './text.js';
import { ago } from '../../engine/format.js';

export interface Table<T> { header: string; rows: string[]; items: T[]; keys: string[] }

/** Fits columns into `width`: the flexible column (index `flex`) takes what the others leave. */
function widths(fixed: number[], flex: number, width: number): number[] {
  const used = fixed.reduce((a, b, i) => (i === flex ? a : a + b + 1), 0);
  return fixed.map((w, i) => (i === flex ? Math.max(8, width - used - 1) : w));
}

export function containerTable(items: ContainerSummary[], stats: (id: string) => StatsHistory | undefined, theme: Theme, width: number, now = Date.now()): Table<ContainerSummary> {
  // NAME IMAGE STATE UPTIME CPU(spark+%) MEM PORTS(flex)
  const w = widths([20, 20, 8, 14, 17, 9, 10], 6, width);
  const header = ['NAME', 'IMAGE', 'STATE', 'UPTIME', 'CPU %', 'MEM', 'PORTS'].map((h, i) => cell(h, w[i])).join(' ');
  const rows = items.map((c) => {
    const h = stats(c.id);
    const up = c.state === 'running' || c.state === 'paused' ? since(c.startedAt, now) : c.state === 'exited' ? `exit ${c.exitCode ?? '?'}` : '';
    const live = (c.state === 'running' || c.state === 'paused') && h?.latest?.running;
    const cpu = live ? `${sparkline(h!.recentCpu.toArray(), 10)} ${cell(`${h!.latest!.cpu?.percent.toFixed(1) ?? '-'}`, 6)}` : cell('', 17);
    const mem = live && h!.latest!.memory ? size(h!.latest!.memory.used) : '';
    return [
      esc(cell(c.name, w[0])),
      esc(cell(c.image, w[1])),
      color(cell(c.state, w[2]), theme.state[c.state as keyof Theme['state']] ?? theme.fg),
      esc(cell(up, w[3])),
      color(cell(cpu, w[4]), theme.chart.cpu),
      esc(cell(mem, w[5])),
      // no published ports: berth containers run with network "none" (no port publishing yet)
      esc(cell('', w[6])),
    ].join(' ');
  });
  return { header: esc(header), rows, items, keys: items.map((c) => c.id) };
}

export interface ImageRow { image: ImageRecord; tag: string }

/** One row per tag (docker images), or one "<none>" row for an untagged image. */
export function imageRows(images: ImageRecord[]): ImageRow[] {
  return images.flatMap((image) => (image.repoTags.length ? image.repoTags.map((t) => ({ image, tag: familiar(parseReference(t)) })) : [{ image, tag: '<none>:<none>' }]));
}

export function imageTable(items: ImageRow[], users: Map<string, string[]>, width: number, now = Date.now()): Table<ImageRow> {
  const w = widths([40, 14, 10, 16, 20], 4, width);
  const header = ['REPOSITORY:TAG', 'IMAGE ID', 'SIZE', 'CREATED', 'USED BY'].map((h, i) => cell(h, w[i])).join(' ');
  const rows = items.map(({ image, tag }) => {
    const u = users.get(image.id) ?? [];
    return [cell(tag, w[0]), cell(shortId(image.id), w[1]), cell(size(image.size), w[2]), cell(ago(image.created, now), w[3]),
      cell(u.length ? `${u.length}: ${u.join(', ')}` : '-', w[4])].map(esc).join(' ');
  });
  return { header: esc(header), rows, items, keys: items.map((r) => `${r.image.id} ${r.tag}`) };
}

export function volumeTable(items: VolumeUsage[], names: (id: string) => string, width: number): Table<VolumeUsage> {
  const w = widths([40, 10, 12, 30], 3, width);
  const header = ['NAME', 'SIZE', 'KIND', 'USED BY'].map((h, i) => cell(h, w[i])).join(' ');
  const rows = items.map((v) => [cell(v.name, w[0]), cell(size(v.size), w[1]), cell(v.anonymous ? 'anonymous' : 'named', w[2]),
    cell(v.containers.length ? v.containers.map(names).join(', ') : '-', w[3])].map(esc).join(' '));
  return { header: esc(header), rows, items, keys: items.map((v) => v.name) };
}
