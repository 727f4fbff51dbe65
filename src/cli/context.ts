// What every command handler receives: the parsed global options and the engine.
import { Engine } from '../engine/index.js';
import { printWarning } from './resource-flags.js';

export interface GlobalArgs {
  root?: string;
}

let engine: Engine | undefined;

/** The engine for this CLI process, opened on first use with --root / BERTH_ROOT. */
export function getEngine(argv: GlobalArgs): Engine {
  engine ??= Engine.open({ root: argv.root, warn: printWarning });
  return engine;
}
