// The workstation over dockerd (issue 20): the TUI started on the dockerd engine
// (`tui -H … --engine dockerd`) with 50 and 200 idle containers in dockerd — time
// to the first frame that shows dockerd's whole list, key-to-screen on it, and
// idle CPU while its visible containers' stats streams run — against the same
// targets as the embedded engine (≤ 500 ms, ≤ 50 ms, ≤ 2 % of a core). The image
// reaches dockerd from a tar berth saved.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { Engine } from '../src/engine/index.js';
import { busyboxTar } from '../test/helpers/fixtures.js';
import type { Anchors } from './anchors.js';
import { benchTui } from './tui.js';
import { berth, fmt, has, log, verdict, type Row } from './util.js';

export async function benchEngines(a: Anchors, opts: { sizes: number[]; seconds: number; keypresses: number; frames: number }): Promise<Row[]> {
  if (!a.docker) return [{ section: 'engines', what: 'the TUI over dockerd', value: 'skipped', note: a.skip.docker ?? 'no dockerd' }];
  if (!has('tmux')) return [{ section: 'engines', what: 'the TUI over dockerd', value: 'skipped', note: 'tmux not installed' }];
  const host = a.docker[2]; // docker -H unix://…/docker.sock
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  const docker = new Docker({ socketPath: host.slice('unix://'.length) });
  const root = join(a.tmp, 'berth-engines');
  await Engine.open({ root }).images.import(busyboxTar(), 'bb');
  const tar = join(a.tmp, 'engines-bb.tar');
  const [cmd, args] = berth(root, 'save', 'bb', '-o', tar);
  if (spawnSync(cmd, args).status !== 0) throw new Error('berth save failed');
  const load = spawnSync(a.docker[0], [...a.docker.slice(1), 'load', '-i', tar], { encoding: 'utf8' });
  if (load.status !== 0) throw new Error(`docker load: ${load.stderr}`);
  const ids: string[] = [];
  const rows: Row[] = [];
  try {
    for (const n of opts.sizes.filter((x) => x > 0)) {
      log(`engines: TUI over dockerd at ${n} containers`);
      while (ids.length < n) {
        const batch = Array.from({ length: Math.min(8, n - ids.length) }, async () => {
          const c = await docker.createContainer({ Image: 'bb', Cmd: ['sleep', '100000'], HostConfig: { NetworkMode: 'none' } });
          await c.start();
          return c.id;
        });
        ids.push(...await Promise.all(batch));
      }
      try {
        const t = await benchTui(root, {
          idleSeconds: opts.seconds, keypresses: opts.keypresses, frames: opts.frames, args: ['tui', '-H', host, '--engine', 'dockerd'],
          frame: (s) => / berth .*\[dockerd\]/.test(s) && new RegExp(`Containers — \\d+ of ${n}\\b`).test(s),
          inProcess: /dockerd: \d+ containers listed (\d+) ms after process start/,
        });
        rows.push({ section: 'engines', what: `dockerd: time to first frame with its list, ${n} containers (tmux new-session → screen)`, value: fmt(t.firstFrame),
          note: `${verdict(t.firstFrame.med <= 500, 'target ≤ 500 ms')}; floor ${fmt(t.floor)}; berth's own (process start → listed) ${fmt(t.inProcess)}` });
        rows.push({ section: 'engines', what: `dockerd: keypress (j/k) to screen, ${n} containers`, value: t.keypress ? fmt(t.keypress) : 'n/a',
          note: t.keypress ? `${verdict(t.keypress.med <= 50, 'target ≤ 50 ms')}; ${t.keypress.n} presses; floor ${t.keypressFloor ? fmt(t.keypressFloor) : 'n/a'}` : 'fewer than 2 rows' });
        rows.push({ section: 'engines', what: `dockerd: idle CPU, ${n} containers (stats streams of the visible rows)`, value: `${t.idleCpuPct.toFixed(1)} % of one CPU`,
          note: `${verdict(t.idleCpuPct <= 2, 'target ≤ 2 %')}; over ${opts.seconds} s` });
      } catch (e) {
        rows.push({ section: 'engines', what: `dockerd: TUI at ${n}`, value: 'failed', note: String(e).split('\n')[0].slice(0, 200) });
      }
    }
  } finally {
    for (let i = 0; i < ids.length; i += 16) await Promise.all(ids.slice(i, i + 16).map((id) => docker.getContainer(id).remove({ force: true }).catch(() => {})));
  }
  return rows;
}
