// What every command handler receives: the parsed global options and the engine.
import { Engine } from '../engine/index.js';
import { printWarning } from './resource-flags.js';

export interface GlobalArgs {
  root?: string;
}

let engine: Engine | undefined;

/** The engine for this CLI process, opened on first use with --root / BERTH_ROOT.
 *  `longLived`: a face that stays (system service) collects its containers' exits itself. */
export function getEngine(argv: GlobalArgs, opts: { longLived?: boolean } = {}): Engine {
  engine ??= Engine.open({ root: argv.root, warn: printWarning, collectExits: opts.longLived });
  return engine;
}
