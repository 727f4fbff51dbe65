#!/usr/bin/env node
// berth's command entry: runs the bundled CLI (dist/bundle/main.js, written by
// npm run build) with V8's code cache, because compiling ~0.8 MB of JavaScript
// is a large part of a short command's time. The cache sits next to the bundle;
// V8 rejects it when the bundle, node or its flags change, and it is written
// again. Nothing here is berth-specific beyond the file names.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle', 'main.js');
// The cache holds what one kind of run compiled: the full-screen UI (no command given)
// and the commands compile very different parts of the bundle.
const args = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--root');
const cacheFile = `${bundle}.${args.length ? 'cli' : 'tui'}.v8cache`;

let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* first run after a build */ }
const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
// no import() in the bundle: a script compiled from a code cache has no loader for it
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
// code outside node_modules, which the bundle is. Users get no node deprecation noise.
process.noDeprecation = true;

const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
