// The engines the workstation offers beside the embedded one: every `-H` (repeatable
// here, unlike docker's one), DOCKER_HOST, docker's stored contexts (endpoints.ts
// reads them as docker does), and the standard sockets of a local dockerd and
// podman when they exist. An address is listed once. `-H` and DOCKER_HOST endpoints
// are named after what they most likely are (dockerd, podman, berth-service, the ssh
// host), numbered when two would share a name; contexts keep their own names.
import { existsSync } from 'node:fs';
import { BerthError } from '../engine/index.js';
import { DEFAULT_CONTEXT, EMBEDDED, resolveEndpoints } from './endpoints.js';
import type { EndpointSpec } from './types.js';

export interface WorkstationChoice {
  /** -H, each one an engine */
  hosts?: readonly string[];
  /** --context: that context is shown first */
  context?: string;
  /** --engine: the engine (by the name the header shows) shown first */
  engine?: string;
}

/** The endpoints and the name of the engine shown first (undefined: the embedded one). */
export function workstationEndpoints(o: WorkstationChoice, env: NodeJS.ProcessEnv = process.env): { endpoints: EndpointSpec[]; first?: string } {
  const out: EndpointSpec[] = [];
  const add = (ep: EndpointSpec): EndpointSpec => {
    const same = out.find((e) => e.dockerHost === ep.dockerHost);
    if (same) return same;
    out.push(ep);
    return ep;
  };
  const guessed = (host: string): EndpointSpec => {
    const dockerHost = host.startsWith('/') ? `unix://${host}` : host;
    const base = guessName(dockerHost);
    let name = base;
    for (let i = 2; out.some((e) => e.name === name) || name === EMBEDDED; i++) name = `${base}-${i}`;
    return { name, dockerHost };
  };
  for (const h of o.hosts ?? []) add(guessed(h));
  if (env.DOCKER_HOST) add(guessed(env.DOCKER_HOST));
  // docker's contexts, as docker resolves them (a missing --context is refused in docker's words)
  const resolved = resolveEndpoints({ context: o.context }, o.hosts?.length ? { ...env, DOCKER_HOST: undefined } : env);
  let contextFirst: string | undefined;
  for (const ep of resolved) {
    if (ep.kind !== 'docker' || ep.error || !ep.dockerHost) continue;
    // docker's "default" is DOCKER_HOST (listed above) or the local socket (listed below if it exists)
    if (ep.name === DEFAULT_CONTEXT) {
      if (o.context === DEFAULT_CONTEXT) contextFirst = (env.DOCKER_HOST ? add(guessed(env.DOCKER_HOST)) : add(guessed(ep.dockerHost))).name;
      continue;
    }
    const spec = add({ name: ep.name, dockerHost: ep.dockerHost, tls: ep.tls });
    if (o.context === ep.name) contextFirst = spec.name;
  }
  for (const p of ['/var/run/docker.sock', `${env.XDG_RUNTIME_DIR ?? '/run/user/0'}/podman/podman.sock`, '/run/podman/podman.sock']) {
    if (existsSync(p)) add(guessed(`unix://${p}`));
  }
  // -H adds engines beside the embedded one, which stays shown first (E switches); --engine
  // or --context choose another
  const first = o.engine ?? contextFirst;
  if (o.engine !== undefined && o.engine !== EMBEDDED && !out.some((e) => e.name === o.engine)) {
    throw new BerthError('NOT_FOUND', `no engine "${o.engine}" (engines: ${[EMBEDDED, ...out.map((e) => e.name)].join(', ')})`);
  }
  return { endpoints: out, first: first === EMBEDDED ? undefined : first };
}

/** By the socket's own name (docker.sock, podman.sock, berth.sock), else the ssh host. */
function guessName(host: string): string {
  if (host.startsWith('ssh://')) return host.slice(6).replace(/^.*@/, '').replace(/[:/].*$/, '');
  const file = host.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/podman/.test(file)) return 'podman';
  if (/berth/.test(file)) return 'berth-service';
  return 'dockerd';
}
