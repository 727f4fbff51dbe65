// The floors, read from every import in src/ (docs/design.md), run by `npm run build:ts`
// after tsc and by test/architecture/imports.test.ts. The compiler already refuses what
// project references can say (src/*/tsconfig.json: the engine sees no face, the api and
// the tui see no other face); references are transitive, so these rules are kept here:
// no face reaches native; a face (and the backend, between the tui and the engine)
// imports an engine folder only through its index.ts (the engine's top-level files are
// faces of their own); the backend imports only the engine; native imports nothing of berth; and
// bundled code has no import() of a package (bin/berth.js runs the bundle as a script,
// where a package must be require()d).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const FACES = new Set(['cli', 'tui', 'api']);
/** Between the faces and the engine: the engine interface the TUI drives (src/backend/). */
const BACKEND = 'backend';

/** Every import, export-from and import() of a file's text (comments stripped first). */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out = [];
  for (const m of code.matchAll(/(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g)) {
    out.push({ spec: m[1], dynamic: false, typeOnly: false });
  }
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    // `typeof import('x')` names a type: nothing is loaded
    out.push({ spec: m[1], dynamic: true, typeOnly: /typeof\s$/.test(code.slice(Math.max(0, m.index - 7), m.index)) });
  }
  return out;
}

/** What breaks a floor, one line per import; `files`: { path (absolute, under src), text }. */
export function violations(src, files) {
  const bad = [];
  for (const f of files) {
    const from = relative(src, f.path).split(sep);
    const layer = from[0];
    for (const imp of importsOf(f.text)) {
      const where = `src/${from.join('/')}: ${imp.dynamic ? 'import(' : ''}'${imp.spec}'`;
      if (!imp.spec.startsWith('.')) {
        if (imp.dynamic && !imp.typeOnly && !imp.spec.startsWith('node:')) bad.push(`${where}: import() of a package in bundled code (use createRequire)`);
        continue;
      }
      const to = relative(src, normalize(join(dirname(f.path), imp.spec))).split(sep);
      const target = to[0];
      if (target === '..' || target === layer) continue;
      if (layer === 'native') bad.push(`${where}: native imports nothing of berth`);
      else if (layer === 'backend' && (FACES.has(target) || target === 'native')) bad.push(`${where}: the backend imports the engine only`);
      else if (layer === 'engine' && target !== 'native') bad.push(`${where}: the engine imports no face`);
      else if (FACES.has(layer) && target === 'native') bad.push(`${where}: a face goes through the engine, never native`);
      else if (layer === BACKEND && target !== 'engine') bad.push(`${where}: the backend imports only the engine`);
      else if (layer === 'api' && (target === 'cli' || target === 'tui')) bad.push(`${where}: the api imports no other face`);
      else if (layer === 'tui' && (target === 'cli' || target === 'api')) bad.push(`${where}: the tui imports no other face`);
      else if ((FACES.has(layer) || layer === BACKEND) && target === 'engine' && to.length > 2 && to[to.length - 1] !== 'index.js') {
        bad.push(`${where}: past engine/${to[1]}/index.ts`);
      }
    }
  }
  return bad;
}

/** Every .ts file under `dir`. */
export function sourceFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : n.endsWith('.ts') ? [{ path: p, text: readFileSync(p, 'utf8') }] : [];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
  const bad = violations(src, sourceFiles(src));
  for (const b of bad) process.stderr.write(`${b}\n`);
  process.exit(bad.length ? 1 : 0);
}
