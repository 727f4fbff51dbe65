// `npm run bench [-- --quick] [-- --density N] [-- --only start,engine,pull,density,cli,stats,throughput,network,build,api,engines]`: every
// comparison in one run, then bench/results/<date>.md. Each comparison gets its
// own temp roots under one /tmp dir; the registry, dockerd, podman's containers
// and the temp dir are removed at the end even when a comparison throws.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startAnchors, type Anchors } from './anchors.js';
import { benchBuild } from './build.js';
import { benchCli } from './cli.js';
import { benchDensity } from './density.js';
import { benchEngine } from './engine.js';
import { benchPull } from './pull.js';
import { currentLoad, report, table } from './report.js';
import { benchStart } from './start.js';
import { benchStatsAndTui } from './stats.js';
import { benchThroughput } from './throughput.js';
import { benchNetwork } from './network.js';
import { benchApi } from './api.js';
import { benchEngines } from './engines.js';
import { anchorsDir, log, repoRoot, type Row } from './util.js';
import { busyboxTar } from '../test/helpers/fixtures.js';

// As test/run.js: the whole bench runs in a network namespace of its own (lo up), so the
// default bridge, veths and NAT rules that berth (and the anchors) make never touch the
// machine's network, and go when the bench ends.
if (process.env.BERTH_BENCH_NETNS !== readlinkSync('/proc/self/ns/net')) {
  // the busybox fixture comes from Debian's package (apt-get download): fetched here, while
  // the network is still the machine's, as test/run.js does (the namespace has no resolver)
  busyboxTar();
  const r = spawnSync('unshare', ['--net', '--', 'sh', '-c',
    'ip link set lo up && export BERTH_BENCH_NETNS=$(readlink /proc/self/ns/net) && exec "$0" "$@"',
    process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.error) { console.error(`bench: cannot make a network namespace: ${r.error.message}`); process.exit(2); }
  process.exit(r.status ?? 1);
}

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : argv[argv.indexOf(onlyArg) + 1]).split(',') : null;
const want = (s: string) => !only || only.includes(s);
// --density N: the density section's container count in either mode (issue 21's targets are at 100)
const densityArg = argv.find((a) => a.startsWith('--density'));
const density = densityArg ? Number(densityArg.includes('=') ? densityArg.split('=')[1] : argv[argv.indexOf(densityArg) + 1]) : undefined;
const cfg = quick
  ? { startRounds: 7, pullRounds: 3, density: 20, sizes: [0, 50, 200], seconds: 10, keypresses: 10, frames: 5, streamRounds: 3, streamMiB: 50, netMiB: 128, buildRounds: 3 }
  : { startRounds: 21, pullRounds: 7, density: 100, sizes: [0, 50, 200], seconds: 10, keypresses: 30, frames: 11, streamRounds: 7, streamMiB: 50, netMiB: 256, buildRounds: 7 };
if (density) cfg.density = density;

if (process.getuid?.() !== 0) { console.error('bench: needs root (containers, cgroups, dockerd)'); process.exit(2); }
if (!existsSync(join(anchorsDir, 'setup.sh'))) {
  console.error(`bench: no anchor scripts in ${anchorsDir}: set BERTH_ANCHORS to the shared/anchors directory`);
  process.exit(2);
}

const started = new Date();
const loadAtStart = currentLoad();
const tmp = mkdtempSync('/tmp/berth-bench-');
let anchors: Anchors | undefined;
const rows: Row[] = [];
// a Ctrl-C still stops dockerd/registry and removes the temp dir
const bail = () => { anchors?.stop(); rmSync(tmp, { recursive: true, force: true }); process.exit(130); };
process.once('SIGINT', bail).once('SIGTERM', bail);

try {
  log(`load average ${loadAtStart.join(' ')}; temp ${tmp}; ${quick ? 'quick' : 'full'} mode`);
  anchors = await startAnchors(tmp, {
    docker: want('start') || want('pull') || want('throughput') || want('build') || want('api') || want('engines'),
    // throughput compares with docker alone, on berth's own busybox image
    kit: want('start') || want('engine') || want('pull') || want('density') || want('stats') || want('network') || want('api') || want('cli'),
  });
  for (const [k, v] of Object.entries(anchors.skip)) log(`skipping ${k}: ${v}`);
  const steps: [string, () => Promise<Row[]>][] = [
    ['start', () => benchStart(anchors!, cfg.startRounds)],
    ['engine', () => benchEngine(anchors!, join(anchors!.bb, 'busybox-rootfs.tar'), cfg.startRounds, 100)], // the target is about 100, in quick mode too (~10 s)
    ['pull', () => benchPull(anchors!, cfg.pullRounds)],
    ['density', () => benchDensity(anchors!, cfg.density, cfg.startRounds)],
    ['cli', () => benchCli(anchors!, cfg.startRounds)],
    ['stats', () => benchStatsAndTui(anchors!, cfg)],
    ['throughput', () => benchThroughput(anchors!, cfg.streamRounds, cfg.streamMiB)],
    ['network', () => benchNetwork(anchors!, { rounds: cfg.startRounds, mib: cfg.netMiB, containers: cfg.density })],
    ['build', () => benchBuild(anchors!, cfg.buildRounds)],
    ['api', () => benchApi(anchors!, { rounds: cfg.startRounds, containers: cfg.density })],
    ['engines', () => benchEngines(anchors!, cfg)],
  ];
  for (const [name, f] of steps) {
    if (!want(name)) continue;
    try { rows.push(...await f()); } catch (e) {
      log(`${name} failed: ${(e as Error).stack ?? e}`);
      rows.push({ section: name, what: name, value: 'failed', note: String((e as Error).message ?? e).split('\n')[0].slice(0, 200) });
    }
  }
} finally {
  anchors?.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const commit = (() => { try { return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return '?'; } })();
const md = report(rows, { started, finished: new Date(), quick, loadAtStart, versions: anchors?.versions ?? {}, skipped: anchors?.skip ?? {}, commit });
const dir = join(repoRoot, 'bench', 'results');
mkdirSync(dir, { recursive: true });
// named after the date, the commit and what ran, and never over a file already there: results
// are kept in git, and a second run on the same day replaced the first's record
const what = [started.toISOString().slice(0, 10), commit, ...(only ? [only.join('+')] : []), ...(quick ? ['quick'] : [])].join('-');
let file = join(dir, `${what}.md`);
for (let n = 2; existsSync(file); n++) file = join(dir, `${what}-${n}.md`);
writeFileSync(file, md);
console.log(table(rows));
console.log(`\nwritten: ${file}`);
