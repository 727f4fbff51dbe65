// Bundles the compiled CLI (dist/src/cli/main.js), the monitor's exit hook
// (dist/src/engine/container/cleanup-main.js), the health checker
// (health-main.js) and a network's resolver (dist/src/engine/network/dns-main.js)
// into one CommonJS file each under
// dist/bundle/. Loading ~150 ES modules costs node ~150 ms on this class of
// machine, one script a fraction of it; bin/berth.js adds V8's code cache on top.
// Run after tsc (npm run build:ts). node-pty (a native addon) stays external and
// is required from node_modules as usual; blessed, blessed-contrib's line chart,
// xterm and dockerode are bundled as parts of their own (PARTS below), which the
// main bundle requires on first use and bin/berth.js loads from the code cache too.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Modules whose loading is costly and that most commands never call: each import of
 *  them becomes a module of functions that load the real one on their first call (the
 *  members named here are all that berth calls). string-width builds an Intl.Segmenter
 *  and Unicode-property regexps when loaded (~45 ms for the two copies under yargs), and
 *  yargs needs it only to lay out --help; tar-stream and what it loads (streamx,
 *  fast-fifo, b4a, text-decoder) cost ~5 ms of every container command, and only the
 *  verbs that read or write a tar call extract() or pack(). 'default' is a callable
 *  default export; other names are members, also given together as the default export
 *  (`import tar from 'tar-stream'`). */
const LAZY = { 'string-width': ['default'], 'tar-stream': ['extract', 'pack'] };

/** @type {import('esbuild').Plugin} */
const lazyDefaultExports = {
  name: 'lazy-default-exports',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).join('|')})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy', pluginData: LAZY[args.path] };
    });
    // require() of a module makes esbuild initialise it on first use
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const real = `require(${JSON.stringify(args.path)})`;
      const members = args.pluginData.filter((m) => m !== 'default');
      const contents = args.pluginData.includes('default')
        ? `let f;\nexport default function lazy(...a) { f ??= ${real}.default; return f(...a); }\n`
        : `${members.map((m) => `export function ${m}(...a) { return ${real}.${m}(...a); }\n`).join('')}export default { ${members.join(', ')} };\n`;
      return { contents, resolveDir: dirname(args.path) };
    });
  },
};

/** berth's modules load some packages on first use with createRequire(import.meta.url)
 *  (the TUI's chart widget, the shells' terminal emulator). esbuild bundles a plain
 *  require() and still runs the module only when it is first called. */
/** @type {import('esbuild').Plugin} */
const bundleLazyRequires = {
  name: 'bundle-lazy-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes('createRequire(import.meta.url)(')) return undefined;
      return { contents: src.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'js' };
    });
  },
};

/** blessed reads its data files (terminfo, fonts) relative to __dirname, which in the
 *  bundle is dist/bundle: each use is pointed back at the file's own folder. */
/** @type {import('esbuild').Plugin} */
const keepBlessedDirname = {
  name: 'keep-blessed-dirname',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]blessed[\\/].*\.js$/ }, (args) => {
      const dir = `require('node:path').join(__dirname, ${JSON.stringify(relative(outdir, dirname(args.path)))})`;
      const src = readFileSync(args.path, 'utf8')
        .replace(/\b__dirname\b/g, dir)
        // esbuild bundles `require('./widgets/' + name)` as every file under widgets/, keyed
        // with the extension: name the file the way the bundle knows it
        .replace("require('./widgets/' + file)", "require('./widgets/' + file + '.js')");
      return { contents: src, loader: 'js' };
    });
  },
};

/** dockerode loads ssh2 (docker-modem's ssh://) and gRPC (BuildKit sessions) when it is
 *  loaded, ~1 s of module set-up on this machine, for features most endpoints never use:
 *  each becomes a require on first use. */
/** @type {import('esbuild').Plugin} */
const lazyDockerDeps = {
  name: 'lazy-docker-deps',
  setup(b) {
    const patch = (file, from, to) => b.onLoad({ filter: file }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!src.includes(from)) throw new Error(`${args.path}: "${from}" not found (dockerode changed: update lazyDockerDeps)`);
      return { contents: src.replace(from, to), loader: 'js' };
    });
    patch(/[\\/]docker-modem[\\/]lib[\\/]ssh\.js$/, "var Client = require('ssh2').Client,",
      "var Client = function () { return new (require('ssh2').Client)(); },");
    patch(/[\\/]dockerode[\\/]lib[\\/]docker\.js$/, "withSession = require('./session'),",
      "withSession = function () { return require('./session').apply(this, arguments); },");
  },
};

/** Two costs yargs adds to every command and that can never change what a user sees:
 *  - it checks the arguments of each of its own API calls (argsert: `.option(key, opt)`,
 *    `.positional`, ...) against a signature it parses from a string on every call, and on
 *    a mismatch only prints a warning. berth's calls are fixed code, so the check (~5 ms:
 *    `run` declares ~100 options) is made a no-op;
 *  - its default --version looks for "the program's" package.json upwards from the folder
 *    above node_modules, which a bundle is not in, so it searched from the current
 *    directory: a readdir of each folder up to / and, finding none, a failed assertion
 *    whose message loaded node:assert's colours and set up stderr (~4 ms). berth turns
 *    --version off; the search starts at berth's own folder (the bundle is
 *    dist/bundle/NAME.js) and finds berth's package.json. node:assert is loaded when one
 *    of yargs's assertions fails, not with yargs. */
/** @type {import('esbuild').Plugin} */
const yargsCheaperStart = {
  name: 'yargs-cheaper-start',
  setup(b) {
    /** `edits`: [from, to] pairs, each `from` found once; a function `to` replaces the file. */
    const patch = (file, edits) => b.onLoad({ filter: file }, (args) => {
      let src = readFileSync(args.path, 'utf8');
      for (const [from, to] of edits) {
        if (!src.includes(from)) throw new Error(`${args.path}: "${from}" not found (yargs changed: update yargsCheaperStart)`);
        src = typeof to === 'string' ? src.replace(from, to) : to(src);
      }
      return { contents: src, loader: 'js' };
    });
    patch(/[\\/]node_modules[\\/]yargs[\\/]build[\\/]lib[\\/]argsert\.js$/,
      [['export function argsert(arg1, arg2, arg3) {', () => 'export function argsert() {}\n']]);
    patch(/[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/, [
      ["const mainFilename = __dirname.substring(0, __dirname.lastIndexOf('node_modules'));",
        "const mainFilename = resolve(dirname(__dirname), '..', '..');"],
      // node:assert (and the modules it loads) only for an assertion that fails: both compare
      // with Object.is, and yargs asserts on every start
      ['  assert: {\n    notStrictEqual,\n    strictEqual\n  },',
        '  assert: {\n    notStrictEqual: (a, b, m) => { if (Object.is(a, b)) notStrictEqual(a, b, m); },\n    strictEqual: (a, b, m) => { if (!Object.is(a, b)) strictEqual(a, b, m); }\n  },'],
    ]);
  },
};

/** Packages only the workstation or a Docker endpoint uses (with what they pull in, ~3 MB of
 *  the ~4.8 MB): each is a bundle of its own, dist/bundle/part-NAME.js, that the main bundles
 *  require on first use, so a command reads and loads only the CLI's and the engine's code
 *  (`berth build` with all steps cached: ~50 ms less CPU). bin/berth.js gives the parts V8's
 *  code cache as it gives main.js. */
const PARTS = {
  'part-dockerode': 'dockerode',
  'part-blessed': 'blessed',
  'part-blessed-line': 'blessed-contrib/lib/widget/charts/line',
  'part-xterm': '@xterm/headless',
};
const partOf = new Map(Object.entries(PARTS).map(([file, pkg]) => [pkg, file]));

/** An import of a part's package becomes a require of its file, next to the bundle. */
/** @type {import('esbuild').Plugin} */
const requireParts = {
  name: 'require-parts',
  setup(b) {
    const filter = new RegExp(`^(${[...partOf.keys()].map((k) => k.replace(/[/.@-]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.kind === 'entry-point' ? undefined : { path: `./${partOf.get(args.path)}.js`, external: true }));
  },
};

/** Node built-ins that a module of the bundle requires when it is loaded but that most
 *  commands never call (the registry's and endpoints' http/https/tls, the resolver's dgram,
 *  readline for prompts, zlib, crypto, child_process...): node compiles each on its first
 *  require, ~10 ms of every command's start for all of them. Each such require in the main
 *  bundles becomes __lazy_builtin(ID), an object that requires the module on the first
 *  access to one of its members. esbuild leaves no other way to reach an imported module's
 *  members than through that object (`(0, import_node_http.request)(...)`), so nothing
 *  changes but when node loads it. Not for __toESM(require(ID)) (a default import copies
 *  every member at once): berth's own code imports these by name. */
const LAZY_BUILTINS = ['http', 'https', 'net', 'tls', 'dgram', 'readline', 'readline/promises', 'crypto', 'zlib', 'child_process', 'assert'];
const LAZY_BUILTIN_HELPER = `const __lazy_builtin = (id) => {
  let m;
  const real = () => (m ??= require(id));
  return new Proxy({}, {
    get: (_, k) => real()[k],
    has: (_, k) => k in real(),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(real(), k); if (d) d.configurable = true; return d; },
  });
};`;
const lazyBuiltinRequire = new RegExp(`(?<!__toESM\\()\\brequire\\("((?:node:)?(?:${LAZY_BUILTINS.join('|')}))"\\)`, 'g');

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'eof', // the bundled packages' licence notices, kept at the end
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(PARTS).map(([file, pkg]) => [file, createRequire(join(root, 'package.json')).resolve(pkg)])),
  external: ['term.js', 'pty.js', 'cpu-features', '*.node'],
  plugins: [requireParts, keepBlessedDirname, lazyDockerDeps],
});

await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/src/cli/main.js',
    'cleanup-main': 'dist/src/engine/container/cleanup-main.js',
    'health-main': 'dist/src/engine/container/health-main.js',
    'dns-main': 'dist/src/engine/network/dns-main.js',
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // term.js and pty.js: blessed's Terminal widget, which berth does not use (not installed);
  // ssh2 (dockerode's ssh://) tries its optional native helpers (cpu-features, sshcrypto.node)
  // in a try and works without them: left unbundled, they are simply not found
  external: ['node-pty', 'term.js', 'pty.js', 'cpu-features', '*.node'],
  // code that finds files next to itself sees the bundle's location: the addon and the
  // themes are searched upwards from it, cleanup-main.js is the bundle's sibling
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: `const __bundle_url = require('node:url').pathToFileURL(__filename).href;\n${LAZY_BUILTIN_HELPER}` },
  plugins: [requireParts, lazyDefaultExports, bundleLazyRequires, keepBlessedDirname, lazyDockerDeps, yargsCheaperStart],
  legalComments: 'eof', // the bundled packages' licence notices, kept at the end
  logLevel: 'warning',
});
for (const f of ['main.js', 'cleanup-main.js', 'health-main.js', 'dns-main.js']) {
  const file = join(outdir, f);
  writeFileSync(file, readFileSync(file, 'utf8').replace(lazyBuiltinRequire, '__lazy_builtin("$1")'));
}
// Every bundle is made pure ASCII: esbuild escapes non-ASCII text in strings but leaves it in
// regular expressions and kept comments, and one such character makes V8 hold the whole
// source as a two-byte string and node decode it as UTF-8 — for the 4.8 MB of main and its
// parts ~10 ms of each command's start and ~10 MB of the TUI's memory. A \uXXXX escape means the same
// character in a string, a regular expression and an identifier, and nothing in a comment;
// bin/berth.js then reads the bundle as latin1 (one byte, one character, no decoding).
for (const f of readdirSync(outdir)) {
  if (!f.endsWith('.js')) continue;
  const file = join(outdir, f);
  const src = readFileSync(file, 'utf8');
  const ascii = src.replace(/[^\x00-\x7f]/gu, (c) => [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''));
  if (ascii !== src) writeFileSync(file, ascii);
}
// the package is "type": "module"; these files are CommonJS
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
// code caches of the previous bundle: V8 would reject them anyway, on the first run
for (const f of readdirSync(outdir)) if (f.endsWith('.v8cache')) rmSync(join(outdir, f));
