// Themes are data (themes/*.json beside the package, or a path): colours for
// every role the views use. A theme file may leave roles out; they come from
// the dark theme, so a partial user theme still renders.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Theme {
  name: string;
  fg: string; bg: string; dim: string;
  border: string; focusBorder: string; title: string; header: string;
  selectedFg: string; selectedBg: string; mark: string; match: string;
  state: Record<'running' | 'paused' | 'exited' | 'created' | 'dead', string>;
  statusFg: string; statusBg: string; error: string;
  chart: Record<'cpu' | 'mem' | 'netRx' | 'netTx' | 'blkRead' | 'blkWrite' | 'axis', string>;
}

/** themes/ of the package: the first ancestor of this file that has one (src/ or dist/src/).
 * Never the current directory's: files there belong to whatever project the user is in. */
export const themesDir: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'themes', 'dark.json'))) return join(dir, 'themes');
    if (dirname(dir) === dir) return join(here, 'themes'); // a broken install: no theme is found
  }
})();

export function themeNames(): string[] {
  try {
    return readdirSync(themesDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** A theme by name (themes/NAME.json) or by path to a JSON file. */
export function loadTheme(nameOrPath = 'dark'): Theme {
  const path = nameOrPath.includes('/') || nameOrPath.endsWith('.json') ? nameOrPath : join(themesDir, `${nameOrPath}.json`);
  if (!existsSync(path)) {
    throw new Error(`no theme "${nameOrPath}" (themes: ${themeNames().join(', ') || 'none found'})`);
  }
  const base = JSON.parse(readFileSync(join(themesDir, 'dark.json'), 'utf8')) as Theme;
  const t = JSON.parse(readFileSync(path, 'utf8')) as Partial<Theme>;
  return { ...base, ...t, state: { ...base.state, ...t.state }, chart: { ...base.chart, ...t.chart } };
}
