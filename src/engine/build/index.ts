// The builder's face: `berth build` (a Dockerfile into an image, docker's
// syntax and semantics), the build cache for `system df` and `builder prune`,
// and the Dockerfile parser for any face that shows one.
// the builder itself (and with it ADD's HTTP client) is imported by the first build, not
// loaded by every command: Engine.build imports ./builder.js
export type { BuildDeps } from './builder.js';
export { noProgress, type BuildOptions, type BuildProgress, type BuildResult } from './types.js';
export { cacheUsage, isCacheImage, pruneCache, type CacheUsage } from './cache-usage.js';
export { parseInstructions, type Dockerfile, type Instruction, type Stage } from './instructions.js';
