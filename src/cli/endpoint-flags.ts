// docker's global endpoint flags, `-H/--host` and `-c/--context`, taken where docker
// takes them: before the verb (`berth -H ssh://me@box ps`). After the verb the same
// letters are the verb's own (history -H, system service -H, run -c, build's context),
// so yargs never sees these. What they choose is resolved by the backend
// (resolveEndpoints). The workstation opens on the chosen engine, and so do the
// everyday verbs in ENDPOINT_VERBS (through context.ts getBackend); the others
// need the embedded engine and refuse a Docker endpoint in one line rather than act
// on the wrong engine.
import { currentEndpoint, resolveEndpoints, type Endpoint, type EndpointArgs } from '../backend/endpoints.js';
import type { Backend } from '../backend/index.js';
import { BerthError } from '../engine/index.js';

/** Verbs that drive whichever engine -H/--context chose (a group's verb with its group),
 * beside those about endpoints themselves (context, tui, system dial-stdio). */
export const ENDPOINT_VERBS: ReadonlySet<string> = new Set([
  'context', 'tui', 'system dial-stdio',
  'ps', 'images', 'inspect', 'logs', 'start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rm', 'wait', 'exec', 'run', 'create',
  'pull', 'rmi', 'top', 'stats', 'version', 'info',
  ...['ps', 'ls', 'list', 'inspect', 'logs', 'start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'rm', 'remove', 'wait', 'run',
    'create', 'top'].map((v) => `container ${v}`),
  ...['ls', 'list', 'inspect', 'pull', 'rm', 'remove'].map((v) => `image ${v}`),
  ...['ls', 'list', 'create', 'rm', 'remove', 'inspect'].flatMap((v) => [`volume ${v}`, `network ${v}`]),
]);

let chosen: EndpointArgs = {};

/** The global flags before the verb, removed from `args` (the rest goes to yargs). */
export function takeEndpointFlags(args: string[]): string[] {
  const out: string[] = [];
  const hosts: string[] = [];
  let context: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-' || a === '--') break; // the verb (or the end of options)
    const long = /^--(host|context)(?:=(.*))?$/.exec(a);
    const short = /^-([Hc])(.*)$/.exec(a);
    if (long || short) {
      const name = long ? long[1] : short![1] === 'H' ? 'host' : 'context';
      const inline = long ? long[2] : short![2] || undefined;
      const value = inline ?? args[++i];
      if (value === undefined) throw new BerthError('INVALID_ARGUMENT', `flag needs an argument: ${long ? `--${name}` : `'${short![1]}' in -${short![1]}`}`);
      if (name === 'host') hosts.push(value);
      else context = value;
      continue;
    }
    out.push(a);
    if (a === '--root') out.push(args[++i]); // the one global option of berth's own with a value
  }
  chosen = { host: hosts.length ? hosts : undefined, context };
  return [...out, ...args.slice(i)];
}

/** The endpoint flags given on this command line (none: {}). */
export const endpointArgs = (): EndpointArgs => chosen;

/** Whether -H or --context was given. */
export const endpointChosen = (a: EndpointArgs = chosen): boolean => a.host !== undefined || a.context !== undefined;

/** The current endpoint as the flags, the environment and docker's config choose it. */
export function chosenEndpoint(a: EndpointArgs = chosen, env: NodeJS.ProcessEnv = process.env): Endpoint {
  return currentEndpoint(resolveEndpoints(a, env));
}

/**
 * For a verb that drives the embedded engine: refuses when -H/--context name another
 * endpoint (the environment and config.json choose only the workstation's engine: a
 * docker context in use for docker never turns `berth run` away from berth's own).
 */
export function requireEmbedded(verb: string): void {
  if (!endpointChosen()) return;
  const ep = chosenEndpoint();
  if (ep.kind === 'embedded') return;
  throw new BerthError('UNSUPPORTED',
    `"${verb}" cannot run on ${ep.dockerHost || ep.name} (context "${ep.name}"): only berth's embedded engine does that`);
}

/** For a verb on an endpoint: what of it only the embedded engine does (a flag, a mode), refused by name. */
export function embeddedOnly(b: Backend, what: string): never {
  throw new BerthError('UNSUPPORTED', `${what} cannot run on ${b.address} (context "${b.name}"): only berth's embedded engine does that`);
}
