#!/usr/bin/env -S node --
// berth's command entry: runs the bundled CLI (dist/bundle/main.js, written by
// npm run build) with V8's code cache, because compiling ~1.5 MB of JavaScript
// is a large part of a short command's time (the parts split off it, loaded on
// first use, get the same). The cache sits next to the bundle,
// named after the bundle's size and mtime: V8 itself only checks the source's
// length (and node's version and flags), so a rebuilt bundle must not meet an
// old cache. Nothing here is berth-specific beyond the file names.
//
// The "--" of the first line is what keeps berth's arguments berth's: Node 20 reads
// `--env-file` (and `--env-file-if-exists`) from anywhere in its argv, even after the
// script, up to a "--" — so `node berth.js run --env-file ./project.env …` would load
// NODE_OPTIONS from a project's file and run its --require as root, and a missing file
// would end node itself. Started as `berth …` (this line) or `node -- bin/berth.js …`,
// node stops at the "--". The form without it cannot be made safe from in here (node
// has read the file before this runs), so it is refused: no caller comes to rely on it.
// CommonJS (bin/package.json says so), not an ES module like the rest of the package: an ES
// entry makes node set up its ES module loader first (~15 built-in modules, ~8 ms of every
// command), and this file needs nothing of it.
const { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

if (!startedAfterDashDash()) {
  process.stderr.write('berth: start berth as `berth ARGS` or `node -- bin/berth.js ARGS`: without the "--", node reads options such as --env-file from berth\'s arguments\n');
  process.exit(125);
}

/** Whether node's own argv (as exec'd) has "--" right before this script: then nothing
 * after it was read by node. process.argv cannot tell: node drops the "--" from it. */
function startedAfterDashDash() {
  let argv;
  try { argv = readFileSync('/proc/self/cmdline', 'latin1').split('\0').slice(0, -1); } catch { return true; } // no procfs: cannot tell
  const script = argv.length - (process.argv.length - 1); // the user's arguments end argv
  return script >= 1 && argv[script - 1] === '--';
}

const bundle = join(__dirname, '..', 'dist', 'bundle', 'main.js');
let built;
try { built = statSync(bundle); } catch {
  process.stderr.write(`berth: ${bundle} is missing: build berth first (scripts/setup.sh, or npm run build)\n`);
  process.exit(125);
}
// The cache holds what one kind of run compiled: the full-screen UI (`berth`, `berth
// --root DIR`, `berth tui …`) and the commands compile very different parts of the bundle.
const args = process.argv.slice(2).filter((a, i, all) => a !== '--root' && all[i - 1] !== '--root' && !a.startsWith('--root='));
const kind = args.length === 0 || args[0] === 'tui' ? 'tui' : 'cli';
/** Runs a CommonJS bundle through V8's code cache (`kind` names what the cache holds) and
 * returns its exports. The bundle's `require` loads the parts split off it (scripts/bundle.mjs:
 * the workstation's and the Docker client's packages) the same way, on first use. */
function loadCached(file, kind, stat) {
  const cacheFile = `${file}.${kind}.${stat.size}-${Math.trunc(stat.mtimeMs)}.v8cache`;
  let cachedData;
  try { cachedData = readFileSync(cacheFile); } catch { /* first run after a build */ }
  // latin1: scripts/bundle.mjs makes every bundle file pure ASCII, so each byte is its character
  // and V8 keeps a one-byte string (a UTF-8 decode of 4.8 MB took ~10 ms a command)
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'latin1')}\n})`;
  // compiled without importModuleDynamically: the bundle has no import() of its own
  // (scripts/bundle.mjs turns lazy loads into require)
  const script = new vm.Script(wrapped, { filename: file, cachedData });

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
  const module = { exports: {} };
  script.runInThisContext()(module.exports, bundleRequire(file), module, file, dirname(file));
  return module.exports;
}

const parts = new Map();
/** The bundle's require: `./part-NAME.js` through loadCached (once), the rest as node's. */
function bundleRequire(from) {
  const plain = createRequire(from);
  return Object.assign((id) => {
    if (!/^\.\/part-[a-z-]+\.js$/.test(id)) return plain(id);
    const file = join(dirname(from), id);
    if (!parts.has(file)) parts.set(file, loadCached(file, `${kind}-part`, statSync(file)));
    return parts.get(file);
  }, { resolve: plain.resolve, cache: plain.cache, main: plain.main, extensions: plain.extensions });
}

// blessed, bundled, still calls the deprecated Buffer(); node warns about that only for
// code outside node_modules, which the bundle is, and the warning would land on the TUI.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const code = typeof rest[0] === 'object' ? rest[0]?.code : rest[1];
  if (code !== 'DEP0005') emitWarning.call(process, warning, ...rest);
};

loadCached(bundle, kind, built);
