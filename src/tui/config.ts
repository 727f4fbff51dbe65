// The user's TUI settings: $XDG_CONFIG_HOME/berth/config.json (or
// ~/.config/berth/config.json). Every field is optional; a broken file is
// reported in the status line and the defaults are used, never a crash.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TuiConfig {
  theme: string;
  /** Action name -> keys (blessed key names: "j", "down", "C-d", "S-k"...). Replaces that action's keys. */
  keys: Record<string, string[]>;
  /** How often the clock-driven parts (uptimes) are redrawn, ms (min 1000 in effect). Stats
   * arrive at the engine sampler's own rate (one per second). */
  refreshMs: number;
  /** Capture the mouse (off: the terminal selects text). Toggle with the mouse key. */
  mouse: boolean;
  /** lazydocker's customCommands, by view name ("containers", "images", "volumes",
   * "networks"): run on the host in a pane (model/host-command.ts). */
  customCommands: Record<string, CustomCommand[]>;
}

/** One custom command: `command` is split into words, each a Go template over the row's
 * fields ({{.ID}}, {{.Name}}, {{ .Container.ID }} …). */
export interface CustomCommand { name: string; command: string }

export const DEFAULT_CONFIG: TuiConfig = { theme: 'dark', keys: {}, refreshMs: 1000, mouse: true, customCommands: {} };

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(env.HOME || homedir(), '.config');
  return join(base, 'berth', 'config.json');
}

/** The config and, if the file was unusable, why (shown to the user). */
/** `views`: the view names custom commands may be given for (others are reported). */
export function loadConfig(path = configPath(), views?: readonly string[]): { config: TuiConfig; warning?: string } {
  if (!existsSync(path)) return { config: { ...DEFAULT_CONFIG } };
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<TuiConfig>;
    const c = { ...DEFAULT_CONFIG, keys: {} as Record<string, string[]>, customCommands: {} as Record<string, CustomCommand[]> };
    const bad: string[] = [];
    if (raw.customCommands !== undefined) {
      if (typeof raw.customCommands !== 'object' || raw.customCommands === null || Array.isArray(raw.customCommands)) bad.push('customCommands: expected {"containers": [{"name": …, "command": …}], …}');
      else {
        for (const [view, list] of Object.entries(raw.customCommands as Record<string, unknown>)) {
          // under a name that is no view's, a command would never be offered
          if (views && !views.includes(view)) { bad.push(`customCommands.${view}: no such view`); continue; }
          const ok = Array.isArray(list) ? list.filter((x): x is CustomCommand => typeof x?.name === 'string' && typeof x?.command === 'string' && x.command.trim() !== '') : [];
          if (!Array.isArray(list) || ok.length !== list.length) bad.push(`customCommands.${view}: an entry without "name" and "command"`);
          if (ok.length) c.customCommands[view] = ok.map(({ name, command }) => ({ name, command }));
        }
      }
    }
    if (typeof raw.theme === 'string') c.theme = raw.theme;
    if (typeof raw.refreshMs === 'number' && raw.refreshMs >= 250) c.refreshMs = raw.refreshMs;
    if (typeof raw.mouse === 'boolean') c.mouse = raw.mouse;
    if (raw.keys && typeof raw.keys === 'object') {
      for (const [k, v] of Object.entries(raw.keys)) {
        const keys = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
        if (keys.length) c.keys[k] = keys;
      }
    }
    return { config: c, warning: bad.length ? `${path}: ${bad.join('; ')} (ignored)` : undefined };
  } catch (e) {
    return { config: { ...DEFAULT_CONFIG }, warning: `${path}: ${(e as Error).message} (defaults used)` };
  }
}

/** Keeps `theme` in the config file, leaving every other setting as the user wrote it. A file
 * that is not a JSON object is not overwritten: that would lose what the user meant. */
export function saveTheme(theme: string, path = configPath()): void {
  let raw: Record<string, unknown> = {};
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch (e) { throw new Error(`${path}: ${(e as Error).message}: not overwritten (fix or remove it first)`); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${path}: not a JSON object: not overwritten`);
    raw = parsed as Record<string, unknown>;
  }
  raw.theme = theme;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(raw, null, 2) + '\n');
  renameSync(tmp, path); // a crash never leaves half a config
}

/** The whole configuration as berth uses it (the file's settings over the defaults), every
 * action with its keys by name: what `berth tui --print-config` prints, and a file to start from. */
export function effectiveConfig(config: TuiConfig, bindings: ReadonlyArray<{ context: string; action: string; keys: string[] }>): TuiConfig {
  return { ...config, keys: Object.fromEntries(bindings.map((b) => [`${b.context}.${b.action}`, b.keys])) };
}
