// What every command handler receives: the parsed global options and the engine.
// A verb that can drive a Docker Engine API endpoint asks for getBackend(): the
// endpoint -H/--context chose (backend/docker), else the embedded engine as a
// Backend, whose `embedded` is the Engine for what only it does. Such a verb uses
// that one backend for everything it does, never the embedded engine beside it.
import { Engine } from '../engine/index.js';
import { DockerBackend, EmbeddedBackend, type Backend } from '../backend/index.js';
import { printWarning } from './resource-flags.js';
import { chosenEndpoint, endpointChosen } from './endpoint-flags.js';

export interface GlobalArgs {
  root?: string;
}

let engine: Engine | undefined;
let backend: Backend | undefined;

/** The engine for this CLI process, opened on first use with --root / BERTH_ROOT.
 *  `longLived`: a face that stays (system service) collects its containers' exits itself. */
export function getEngine(argv: GlobalArgs, opts: { longLived?: boolean } = {}): Engine {
  engine ??= Engine.open({ root: argv.root, warn: printWarning, collectExits: opts.longLived });
  return engine;
}

/** The engine this verb drives: only flags choose an endpoint (DOCKER_HOST or docker's
 * current context never turn `berth ps` away from berth's own containers). */
export function getBackend(argv: GlobalArgs): Backend {
  if (backend) return backend;
  const ep = endpointChosen() ? chosenEndpoint() : undefined;
  backend = ep && ep.kind === 'docker'
    ? new DockerBackend({ name: ep.name, dockerHost: ep.dockerHost ?? '', tls: ep.tls })
    : new EmbeddedBackend(getEngine(argv));
  return backend;
}

/** Ends an endpoint's connections (its ssh processes) once the verb is done. */
export function closeBackend(): void {
  if (backend && !backend.embedded) backend.close();
}
