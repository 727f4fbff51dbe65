// Bundles the compiled CLI (dist/src/cli/main.js) and the monitor's exit hook
// (dist/src/engine/container/cleanup-main.js) into one CommonJS file each under
// dist/bundle/. Loading ~150 ES modules costs node ~150 ms on this class of
// machine, one script a fraction of it; bin/berth.js adds V8's code cache on top.
// Run after tsc (npm run build:ts). Modules that load files relative to
// themselves at run time (blessed's widgets, node-pty's addon, xterm) stay
// external and are required from node_modules as usual.
import { build } from 'esbuild';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Modules whose loading is costly and that most commands never call: each import of
 *  them becomes a function that loads the module on its first call. string-width
 *  builds an Intl.Segmenter and Unicode-property regexps when loaded (~45 ms for the
 *  two copies under yargs), and yargs needs it only to lay out --help. */
const LAZY = ['string-width'];

/** @type {import('esbuild').Plugin} */
const lazyDefaultExports = {
  name: 'lazy-default-exports',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.join('|')})$`);
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'real' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy' };
    });
    // require() of an ES module makes esbuild initialise it on first use
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `let f;\nexport default function lazy(...a) { f ??= require(${JSON.stringify(args.path)}).default; return f(...a); }\n`,
      resolveDir: dirname(args.path),
    }));
  },
};
const outdir = join(root, 'dist', 'bundle');

await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/src/cli/main.js',
    'cleanup-main': 'dist/src/engine/container/cleanup-main.js',
  },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['node-pty', 'blessed', 'blessed-contrib', '@xterm/headless'],
  // code that finds files next to itself sees the bundle's location: the addon and the
  // themes are searched upwards from it, cleanup-main.js is the bundle's sibling
  define: { 'import.meta.url': '__bundle_url' },
  banner: { js: "const __bundle_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyDefaultExports],
  legalComments: 'none',
  logLevel: 'warning',
});
// the package is "type": "module"; these two files are CommonJS
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
// code caches of the previous bundle: V8 would reject them anyway, on the first run
for (const f of readdirSync(outdir)) if (f.endsWith('.v8cache')) rmSync(join(outdir, f));
