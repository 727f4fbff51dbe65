// `berth` (no command) and `berth tui`: the full-screen workstation over the
// embedded engine and any Docker Engine API endpoints (`-H`, DOCKER_HOST, the
// standard sockets). Owns the terminal for its lifetime and gives it back intact
// on quit, on an uncaught error and on SIGTERM/SIGHUP/SIGINT.
import { Engine } from '../engine/index.js';
import { DockerBackend, EmbeddedBackend, workstationEndpoints } from '../backend/index.js';
import { App } from './app.js';
import { DEFAULT_CONFIG, configPath, effectiveConfig, loadConfig } from './config.js';
import { Keymap } from './keys.js';
import { VIEWS } from './views/index.js';
import { loadTheme, themeNames, type Theme } from './theme.js';
import { usableTerm } from './terminal.js';
import { createScreen, restoreTerminal } from './view/screen.js';

export interface TuiOptions {
  root?: string;
  /** Theme name (themes/NAME.json) or path; overrides the config file. */
  theme?: string;
  /** Print the configuration in effect (every setting, every action's keys) and exit. */
  printConfig?: boolean;
  /** Docker Engine API endpoints (`-H`), beside DOCKER_HOST, docker's contexts and the
   * standard dockerd and podman sockets when they exist; the first is shown first. */
  hosts?: string[];
  /** docker's --context: its engine is shown first. */
  context?: string;
  /** The engine shown first, by name (default: the embedded one). */
  engine?: string;
}

export async function runTui(opts: TuiOptions): Promise<void> {
  if (opts.printConfig) {
    const { config, warning } = loadConfig();
    const keymap = new Keymap(config.keys);
    for (const w of [warning, ...keymap.warnings]) if (w) process.stderr.write(`berth: ${w}\n`);
    process.stdout.write(JSON.stringify(effectiveConfig({ ...config, theme: opts.theme ?? config.theme }, keymap.bindings), null, 2) + '\n');
    process.stderr.write(`# read from ${configPath()}; themes: ${themeNames().join(', ')} (or a path to a theme file); README "Configuration" explains each field\n`);
    return;
  }
  // the endpoints are resolved first (before the terminal is even asked for): a bad -H, an unknown context or
  // engine fails here in one line; connecting is the watchers' job, in the background
  let chosen: ReturnType<typeof workstationEndpoints>;
  try {
    chosen = workstationEndpoints({ hosts: opts.hosts, context: opts.context, engine: opts.engine });
  } catch (e) {
    process.stderr.write(`berth: ${(e as Error).message}\n`);
    process.exitCode = 125;
    return;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write('berth: the full-screen UI needs a terminal; use `berth --help` for the commands\n');
    process.exitCode = 125;
    return;
  }
  const { config, warning } = loadConfig(configPath(), VIEWS.map((v) => v.name));
  // everything that can fail for a plain reason fails before the screen takes over: a theme
  // asked for on the command line; the config file's only warns, as a broken file does
  let theme: Theme;
  let themeWarning: string | undefined;
  if (opts.theme) theme = loadTheme(opts.theme);
  else {
    try {
      theme = loadTheme(config.theme);
    } catch (e) {
      themeWarning = `${configPath()}: ${(e as Error).message} (the dark theme used)`;
      theme = loadTheme(DEFAULT_CONFIG.theme);
    }
  }
  // exits of containers started here are collected in this process: no cleanup process per exit
  const engine = Engine.open({ root: opts.root, collectExits: true });
  const backends = [new EmbeddedBackend(engine), ...chosen.endpoints.map((ep) => new DockerBackend(ep))];
  const shownFirst = Math.max(0, backends.findIndex((b) => b.name === chosen.first));
  const keymap = new Keymap(config.keys);

  const term = usableTerm();
  process.env.TERM = term; // children (and blessed's own lookups) see the same terminal
  const screen = createScreen(config.mouse, term);
  const restore = (): void => restoreTerminal(screen);
  // SIGINT too: ctrl-c is a key in raw mode, but `kill -INT` would otherwise end us unrestored
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  const onSignal = (sig: NodeJS.Signals): void => { restore(); process.exit(128 + (codes[sig] ?? 15)); };
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('SIGINT', onSignal);
  process.once('exit', restore);
  const app = new App(backends, screen, theme, keymap, config, shownFirst);
  // a bug in a callback must not leave the terminal raw: report in the status line and carry on
  const onCrash = (e: unknown): void => app.fail(e);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  // one line: a later say() would replace an earlier one before it was read
  const warnings = [warning, themeWarning, ...keymap.warnings].filter(Boolean);
  if (warnings.length) app.say(warnings.join(' · '), true);
  try {
    await app.run();
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    restore();
  }
  // watchers and timers are closed; stdin may still hold the loop open
  process.stdin.pause();
}
