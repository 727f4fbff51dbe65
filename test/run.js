#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with uvu and ends with
// the one line CI reads: "N passed, N failed". Exit status 1 when any failed.
// usage: node test/run.js [PATTERN]   (PATTERN: a substring of the test file paths)
//
// At its start it sweeps the test roots of runs that were killed (test/helpers/stale-roots.ts).
//
// The whole run happens in a network namespace of its own (util-linux `unshare --net`, with
// only `lo`, brought up so the loopback registry tests work): a test that makes bridges, veths,
// addresses or NAT rules makes them there, never in the machine's namespace, and they all go
// when the namespace's last process exits. BERTH_TEST_NETNS marks the re-executed runner.
import { spawnSync } from 'node:child_process';
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const dist = join(repo, 'dist', 'test');
const only = process.argv[2] || '';

if (process.env.BERTH_TEST_NETNS !== readlinkSync('/proc/self/ns/net')) {
  // the fixtures come from Debian's packages (apt-get download): fetched here, while the
  // network is still reachable, into .cache/ where the tests find them
  const fetch = spawnSync(process.execPath, ['--input-type=module', '-e',
    `const f = await import(${JSON.stringify(join(dist, 'helpers', 'fixtures.js'))}); f.busyboxTar(); f.busyboxBinary();
     (await import(${JSON.stringify(join(dist, 'helpers', 'registry.js'))})).registryBinary();`], { stdio: 'inherit' });
  if (fetch.status !== 0) { console.error('cannot prepare the test fixtures (.cache/)'); process.exit(1); }
  // `ip link set lo up` runs inside the new namespace, then the runner replaces that shell
  const r = spawnSync('unshare', ['--net', '--', 'sh', '-c',
    'ip link set lo up && export BERTH_TEST_NETNS=$(readlink /proc/self/ns/net) && exec "$0" "$@"',
    process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.error) { console.error(`cannot make the tests' network namespace: ${r.error.message}`); process.exit(1); }
  process.exit(r.status ?? 1);
}

function walk(dir) {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.test.js') ? [p] : [];
  });
}

// what a killed earlier run left (its test roots, their monitors, cgroups and mounts) goes
// first, so this run neither trips over it nor counts it as its own leak
const { sweepStaleRoots } = await import(join(dist, 'helpers', 'stale-roots.js'));
for (const l of sweepStaleRoots()) console.log(`stale test root: could not remove ${l}`);

const files = walk(dist).filter((f) => relative(repo, f).includes(only));
// 15 minutes a file; a soak (BERTH_CRASH_KILLS=1000 …) sets BERTH_TEST_FILE_TIMEOUT_S
const fileTimeoutMs = Number(process.env.BERTH_TEST_FILE_TIMEOUT_S || 15 * 60) * 1000;
let passed = 0, failed = 0;
// One process per file: a crash or a hang in one file cannot take the others with it.
for (const f of files) {
  const name = relative(repo, f);
  process.stdout.write(`\n## ${name}\n`);
  const r = spawnSync(process.execPath, [f], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: fileTimeoutMs, maxBuffer: 256 * 1024 * 1024 });
  const out = r.stdout || '';
  process.stdout.write(out);
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    // no uvu summary: the file crashed or timed out before reporting
    process.stdout.write(`\n${name}: no test summary (exit ${r.status}, signal ${r.signal}) — counted as 1 failure\n`);
    failed += 1;
    continue;
  }
  passed += ok;
  failed += total - ok;
  if (r.status !== 0 && total === ok) {
    process.stdout.write(`\n${name}: exited ${r.status} after its tests — counted as 1 failure\n`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
