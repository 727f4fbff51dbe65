// The endpoints the workstation offers beside the embedded engine until docker
// contexts are read (the lead wires endpoints.ts): every `-H`, else DOCKER_HOST,
// plus the standard sockets of a local dockerd and podman when they exist. Each
// is named after what it most likely is (dockerd, podman, berth), numbered when
// two would share a name.
import { existsSync } from 'node:fs';
import type { EndpointSpec } from './types.js';

export function localEndpoints(hosts: readonly string[], env: NodeJS.ProcessEnv = process.env): EndpointSpec[] {
  const given = hosts.length ? [...hosts] : env.DOCKER_HOST ? [env.DOCKER_HOST] : [];
  const standard = ['/var/run/docker.sock', `${env.XDG_RUNTIME_DIR ?? '/run/user/0'}/podman/podman.sock`, '/run/podman/podman.sock']
    .filter((p) => existsSync(p)).map((p) => `unix://${p}`);
  const out: EndpointSpec[] = [];
  for (const h of [...given, ...standard]) {
    const dockerHost = h.startsWith('/') ? `unix://${h}` : h;
    if (out.some((e) => e.dockerHost === dockerHost)) continue;
    const base = guessName(dockerHost);
    let name = base;
    for (let i = 2; out.some((e) => e.name === name) || name === 'berth'; i++) name = `${base}-${i}`;
    out.push({ name, dockerHost });
  }
  return out;
}

/** By the socket's own name (docker.sock, podman.sock, berth.sock), else the ssh host. */
function guessName(host: string): string {
  if (host.startsWith('ssh://')) return host.slice(6).replace(/^.*@/, '').replace(/[:/].*$/, '');
  const file = host.replace(/\/+$/, '').split('/').pop() ?? '';
  if (/podman/.test(file)) return 'podman';
  if (/berth/.test(file)) return 'berth-service';
  return 'dockerd';
}
