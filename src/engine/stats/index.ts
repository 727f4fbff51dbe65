// The stats face: one cheap sampler serving many containers and subscribers
// (berth stats, the TUI's charts), plus the pure parsers and CPU % math.
export { StatsSampler, type StatsTarget, type StatsListener } from './sampler.js';
export { CPU_PERCENT_BASIS, type StatsSample, type CpuSample, type MemorySample } from './types.js';
export { cpuPercent, parseProcStat, parseNetDev, parseBlkioV1, parseIoStatV2, keyValue } from './parse.js';
