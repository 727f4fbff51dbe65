#!/usr/bin/env node
// berth's command entry: runs the bundled CLI (dist/bundle/main.js, written by
// npm run build) with V8's code cache, because compiling ~0.8 MB of JavaScript
// is a large part of a short command's time. The cache sits next to the bundle,
// named after the bundle's size and mtime: V8 itself only checks the source's
// length (and node's version and flags), so a rebuilt bundle must not meet an
// old cache. Nothing here is berth-specific beyond the file names.
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle', 'main.js');
let built;
try { built = statSync(bundle); } catch {
  process.stderr.write(`berth: ${bundle} is missing: build berth first (scripts/setup.sh, or npm run build)\n`);
  process.exit(125);
}
// The cache holds what one kind of run compiled: the full-screen UI (`berth`, `berth
// --root DIR`, `berth tui …`) and the commands compile very different parts of the bundle.
const args = process.argv.slice(2).filter((a, i, all) => a !== '--root' && all[i - 1] !== '--root' && !a.startsWith('--root='));
const kind = args.length === 0 || args[0] === 'tui' ? 'tui' : 'cli';
const cacheFile = `${bundle}.${kind}.${built.size}-${Math.trunc(built.mtimeMs)}.v8cache`;

let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* first run after a build */ }
const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
// compiled without importModuleDynamically: the bundle has no import() of its own
// (scripts/bundle.mjs turns lazy loads into require)
const script = new vm.Script(wrapped, { filename: bundle, cachedData });

if (!cachedData || script.cachedDataRejected) {
  // after the command ran, so the cache also holds the functions it compiled lazily
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile); // atomic: concurrent commands never read half a cache
    } catch {
      try { unlinkSync(tmp); } catch { /* a read-only install runs without the cache */ }
    }
  });
}

// blessed, bundled, still calls the deprecated Buffer(); node warns about that only for
// code outside node_modules, which the bundle is, and the warning would land on the TUI.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === 'object' ? rest[0]?.code : rest[1];
  if (code !== 'DEP0005') emitWarning.call(process, warning, ...rest);
};

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
