// Where two saved images of the same Dockerfile differ (vs-docker.test.ts):
// the config fields a Dockerfile sets, the history texts, and the file tree of
// each layer the build made, entry by entry. One line per difference, so a
// failing case names every path and field at once.
//
// mtimes are compared only where one of the two is older than the build:
// then it came from a source both builders read (a context file, a tar's
// entry, a file of the base image) and must be kept. Everything made at build
// time (what a RUN writes, a directory a step creates or adds an entry to, a
// heredoc, a file copied from a stage built by this very build) carries the
// moment it was made, which no two builds share. Maps (Labels, ExposedPorts,
// Volumes) are compared by content: docker's JSON has them sorted (Go), berth's
// in the Dockerfile's order, and neither order is seen by `inspect --format`.
import type { LayerEntry, SavedImage } from './image-archive.js';

export const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell'];

/** JSON with object keys sorted (see the header), undefined as null. */
const show = (v: unknown): string => JSON.stringify(v ?? null, (_k, x: unknown) =>
  (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/** The history entries after the base image's, as `created_by` (with "(no layer)" for an empty one). */
function history(img: SavedImage, skip: number): string[] {
  return (img.config.history ?? []).slice(skip).map((h) => `${h.created_by ?? ''}${h.empty_layer ? ' (no layer)' : ''}`);
}

/** `since`: when the builds began (seconds); an older mtime is a source's (see the header). */
function entryDiff(path: string, d: LayerEntry, b: LayerEntry, since: number): string[] {
  const out: string[] = [];
  for (const k of ['type', 'mode', 'owner', 'content', 'linkname', 'device', 'hardlinks'] as const) {
    if (show(d[k]) !== show(b[k])) out.push(`${path}: ${k} docker ${show(d[k])}, berth ${show(b[k])}`);
  }
  if ((d.mtime < since || b.mtime < since) && d.mtime !== b.mtime) out.push(`${path}: mtime docker ${d.mtime}, berth ${b.mtime} (${d.type})`);
  return out;
}

/** `base`: the image both were built on (its layers and history are skipped); `since`: when the
 * builds began (seconds); `normalizeHistory`: documented version differences. */
export function imageDiff(docker: SavedImage, berth: SavedImage, base: SavedImage | undefined, since: number, normalizeHistory: (line: string) => string = (l) => l): string[] {
  const out: string[] = [];
  const dc = docker.config.config ?? {}, bc = berth.config.config ?? {};
  for (const f of CONFIG_FIELDS) {
    if (show(dc[f]) !== show(bc[f])) out.push(`config ${f}: docker ${show(dc[f])}, berth ${show(bc[f])}`);
  }
  const baseLayers = base?.config.rootfs.diff_ids ?? [];
  const baseHistory = base?.config.history?.length ?? 0;
  for (const [name, img] of [['docker', docker], ['berth', berth]] as const) {
    if (baseLayers.some((id, i) => img.config.rootfs.diff_ids[i] !== id)) out.push(`${name}: the base image's layers are not its first layers`);
  }
  const dh = history(docker, baseHistory).map(normalizeHistory), bh = history(berth, baseHistory).map(normalizeHistory);
  for (let i = 0; i < Math.max(dh.length, bh.length); i++) {
    if (dh[i] !== bh[i]) out.push(`history ${i}: docker ${show(dh[i])}, berth ${show(bh[i])}`);
  }
  const made = (img: SavedImage) => (img.config.history ?? []).slice(baseHistory).filter((h) => !h.empty_layer).map((h) => h.created_by ?? '');
  const dl = docker.layers.slice(baseLayers.length), bl = berth.layers.slice(baseLayers.length);
  if (dl.length !== bl.length) {
    out.push(`layers: docker made ${dl.length} (${made(docker).join(' | ')}), berth ${bl.length} (${made(berth).join(' | ')})`);
    return out;
  }
  const steps = made(docker);
  dl.forEach((d, i) => {
    const b = bl[i];
    const step = steps[i] ?? `layer ${i}`;
    for (const path of [...new Set([...d.keys(), ...b.keys()])].sort()) {
      const de = d.get(path), be = b.get(path);
      if (!be) out.push(`[${step}] ${path}: only docker's layer has it (${de!.type})`);
      else if (!de) out.push(`[${step}] ${path}: only berth's layer has it (${be.type})`);
      else out.push(...entryDiff(path, de, be, since).map((l) => `[${step}] ${l}`));
    }
  });
  return out;
}
