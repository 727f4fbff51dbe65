// Pure parts of the resources issue on fixed inputs: docker's units, limit
// validation, the v2 weight conversion, the kernel-file parsers and the CPU %
// formula, and the docker-stats cell formatting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBytes, parseCpus } from '../../src/cli/units.js';
import { binarySize, decimalSize, statsRow } from '../../src/cli/stats-format.js';
import { mergeLimits, parseCpuList, type CgroupSupport, resolveLimits, sharesToWeight, validateLimits, WARN_BLKIO, WARN_SWAP } from '../../src/engine/cgroup/index.js';
import { cpuPercent, parseBlkioV1, parseIoStatV2, parseNetDev, parseProcStat, keyValue } from '../../src/engine/stats/index.js';

const cpus = { count: 2, list: '0-1', ids: [0, 1] };
const throwsMsg = (fn: () => unknown, re: RegExp): void => {
  try { fn(); } catch (e) { assert.match((e as Error).message, re); return; }
  assert.unreachable(`expected an error matching ${re}`);
};

test('parseBytes: docker binary units, suffixes, case, bytes', () => {
  assert.is(parseBytes('32m', '--memory'), 32 * 1024 * 1024);
  assert.is(parseBytes('1g', '--memory'), 1024 ** 3);
  assert.is(parseBytes('1GB', '--memory'), 1024 ** 3);
  assert.is(parseBytes('512KiB', '--memory'), 512 * 1024);
  assert.is(parseBytes('1.5k', '--memory'), 1536);
  assert.is(parseBytes('100', '--memory'), 100);
  assert.is(parseBytes('-1', '--memory-swap', true), -1);
  throwsMsg(() => parseBytes('-1', '--memory'), /invalid size/);
  throwsMsg(() => parseBytes('12x', '--memory'), /invalid size/);
  throwsMsg(() => parseBytes('', '--memory'), /invalid size/);
});

test('parseCpus: exact nano-CPUs, sign kept, too precise refused', () => {
  assert.is(parseCpus('0.5'), 500_000_000);
  assert.is(parseCpus('1.1'), 1_100_000_000);
  assert.is(parseCpus('2'), 2_000_000_000);
  assert.is(parseCpus('.25'), 250_000_000);
  assert.is(parseCpus('-1'), -1_000_000_000);
  throwsMsg(() => parseCpus('0.0000000001'), /too precise/);
  throwsMsg(() => parseCpus('abc'), /not a number/);
});

test("validateLimits: docker's minimums and ranges", () => {
  validateLimits({ memory: 6 * 1024 * 1024, nanoCpus: 5e8, cpusetCpus: '0-1', pidsLimit: 20, cpuShares: 512 }, cpus);
  throwsMsg(() => validateLimits({ memory: 1024 }, cpus), /Minimum memory limit allowed is 6MB/);
  throwsMsg(() => validateLimits({ nanoCpus: -1e9 }, cpus), /Range of CPUs is from 0.01 to 2.00/);
  throwsMsg(() => validateLimits({ nanoCpus: 3e9 }, cpus), /only 2 CPUs/);
  throwsMsg(() => validateLimits({ cpusetCpus: '99' }, cpus), /Requested CPUs are not available - requested 99, available: 0-1/);
  throwsMsg(() => validateLimits({ cpusetCpus: '1-x' }, cpus), /cpuset/);
  throwsMsg(() => validateLimits({ memory: 64 << 20, memorySwap: 32 << 20 }, cpus), /memoryswap limit should be larger/);
  throwsMsg(() => validateLimits({ memorySwap: 64 << 20 }, cpus), /always set the Memory limit/);
  throwsMsg(() => validateLimits({ memory: 32 << 20, memoryReservation: 64 << 20 }, cpus), /less than memory reservation/);
  throwsMsg(() => validateLimits({ blkioWeight: 5 }, cpus), /blkio weight is from 10 to 1000/);
  throwsMsg(() => validateLimits({ cpuShares: 1 }, cpus), /cpu-shares/);
  assert.equal(parseCpuList('0-2,4'), [0, 1, 2, 4]);
});

test('resolveLimits: missing controllers refuse; swap and blkio weight dropped with warnings; 2× swap default', () => {
  const full: CgroupSupport = { memory: 'v1', swap: 'v1', cpu: 'v1', cpuset: 'v1', pids: 'v1', blkioWeight: 'v1', v2Controllers: [] };
  assert.equal(resolveLimits({ memory: 32 << 20 }, full).limits, { memory: 32 << 20, memorySwap: 64 << 20 });
  const noSwap = resolveLimits({ memory: 32 << 20, memorySwap: 64 << 20, blkioWeight: 300 }, { ...full, swap: undefined, blkioWeight: undefined });
  assert.equal(noSwap.limits, { memory: 32 << 20 });
  assert.equal(noSwap.warnings, [WARN_SWAP, WARN_BLKIO]);
  throwsMsg(() => resolveLimits({ pidsLimit: 20 }, { ...full, pids: undefined }), /--pids-limit.*no usable pids/);
  throwsMsg(() => resolveLimits({ nanoCpus: 5e8 }, { ...full, cpu: undefined }), /--cpus.*cpu/);
  assert.equal(mergeLimits({ memory: 1, pidsLimit: 5 }, { pidsLimit: 9 }), { memory: 1, pidsLimit: 9 });
});

test("sharesToWeight: runc's conversion", () => {
  assert.is(sharesToWeight(2), 1);
  assert.is(sharesToWeight(262144), 10000);
  assert.is(sharesToWeight(1024), 39);
});

test("CPU %: docker's formula on fixed samples", () => {
  const a = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1\n');
  assert.is(a.onlineCpus, 2);
  assert.is(a.systemNs, 1000 * 1e7); // 1000 ticks × 10 ms
  const b = parseProcStat('cpu  200 0 100 1600 100 0 0 0 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\ncpu1 1 0 0 0 0 0 0 0 0 0\n');
  // the host spent 10 s of CPU (2 CPUs × 5 s); the container 2.5 s: half a CPU = 50 %
  assert.is(cpuPercent(0, 2.5e9, a.systemNs, b.systemNs, 2), 50);
  assert.is(cpuPercent(5, 5, a.systemNs, b.systemNs, 2), 0);
  assert.is(cpuPercent(0, 1, b.systemNs, b.systemNs, 2), 0, 'no host time passed: 0, not Infinity');
});

test('kernel file parsers: memory.stat, blkio, io.stat, net/dev', () => {
  assert.is(keyValue('cache 5\ntotal_inactive_file 4096\n', 'total_inactive_file'), 4096);
  assert.is(keyValue('anon 1\ninactive_file 7\n', 'inactive_file'), 7);
  assert.equal(parseBlkioV1('8:0 Read 100\n8:0 Write 50\n8:16 Read 1\n8:16 Write 2\nTotal 153\n'), { read: 101, write: 52 });
  assert.equal(parseIoStatV2('8:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:16 rbytes=1 wbytes=2 rios=1 wios=1\n'), { read: 11, write: 22 });
  const dev = 'Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n' +
    '    lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0\n' +
    '  eth0:    1000      10    0    0    0     0          0         0     2000      20    0    0    0     0       0          0\n';
  assert.equal(parseNetDev(dev), { rx: 1000, tx: 2000, interfaces: ['eth0'] });
});

test('docker stats cells: binary memory, decimal I/O, two-decimal percents', () => {
  assert.is(binarySize(236 * 1024), '236KiB');
  assert.is(binarySize(64 * 1024 * 1024), '64MiB');
  assert.is(binarySize(1.5 * 1024 ** 3), '1.5GiB');
  assert.is(decimalSize(0), '0B');
  assert.is(decimalSize(1234), '1.23kB');
  const row = statsRow({
    id: 'a'.repeat(64), name: 'x', running: true, at: 0,
    cpu: { usageNs: 1, systemNs: 1, onlineCpus: 2, percent: 49.996 },
    memory: { used: 1024 * 1024, limit: 32 * 1024 * 1024, percent: 3.125 },
    pids: 3, blockIo: { read: 0, write: 4096 }, net: { rx: 0, tx: 0, interfaces: [] },
  });
  assert.equal(row, {
    Container: 'aaaaaaaaaaaa', ID: 'aaaaaaaaaaaa', Name: 'x', CPUPerc: '50.00%', MemUsage: '1MiB / 32MiB',
    MemPerc: '3.13%', NetIO: '0B / 0B', BlockIO: '0B / 4.1kB', PIDs: '3',
  });
});

test.run();
