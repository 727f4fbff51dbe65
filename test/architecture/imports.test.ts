// The floors by machine: scripts/check-imports.mjs (run by every build) finds no import
// that breaks them in src/, and catches each kind of break it is there for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const src = join(repo, 'src');
type Files = { path: string; text: string }[];
const check = (await import(pathToFileURL(join(repo, 'scripts', 'check-imports.mjs')).href)) as {
  violations(src: string, files: Files): string[];
  sourceFiles(dir: string): Files;
};

test('the floors hold for every file under src/', () => {
  const files = check.sourceFiles(src);
  assert.ok(files.length > 100, `read ${files.length} files`);
  assert.equal(check.violations(src, files), []);
});

test('each kind of break is caught', () => {
  const f = (path: string, text: string) => ({ path: join(src, path), text });
  const bad = check.violations(src, [
    f('engine/x.ts', "import { a } from '../cli/main.js';"),
    f('engine/y/z.ts', "export { b } from '../../tui/app.js';"),
    f('cli/c.ts', "import { spawn } from '../native/index.js';"),
    f('cli/commands/d.ts', "import type { R } from '../../engine/container/types.js';"),
    f('api/e.ts', "import {\n  q,\n} from '../cli/output.js';"),
    f('tui/g.ts', "const m = await import('blessed');"),
    f('native/h.ts', "import { x } from '../engine/index.js';"),
    f('backend/i.ts', "import { x } from '../native/index.js';"),
    f('backend/j.ts', "import { y } from '../tui/app.js';"),
    f('backend/docker/j.ts', "import type { L } from '../../engine/log/record.js';"),
  ]);
  assert.equal(bad.length, 10, bad.join('\n'));
  assert.equal(check.violations(src, [
    f('cli/ok.ts', "import { Engine } from '../engine/index.js';\nimport { x } from '../engine/volume/index.js';\n// import y from '../native/index.js'\n"),
    f('cli/ok2.ts', "import { f } from '../engine/format.js'; const t = typeof import('@xterm/headless'); await import('../tui/index.js');"),
    f('engine/ok.ts', "import { n } from '../native/index.js'; await import('./pull.js'); await import('node:fs');"),
    f('backend/ok.ts', "import { BerthError } from '../engine/index.js';"),
    f('cli/ok3.ts', "import { resolveEndpoints } from '../backend/endpoints.js';"),
    f('backend/ok.ts', "import type { L } from '../engine/log/index.js'; import { D } from './docker/index.js';"),
    f('tui/ok.ts', "import type { Backend } from '../backend/index.js';"),
  ]), []);
});

test.run();
