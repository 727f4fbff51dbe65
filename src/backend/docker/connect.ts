// An endpoint (`unix://`, `tcp://` with or without TLS, `ssh://`) as dockerode's
// connection options: docker-modem speaks the HTTP, the hijacked exec streams
// and, for ssh, `docker system dial-stdio` on the remote (docker's own helper).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import type { EndpointSpec } from '../types.js';

export function modemOptions(ep: EndpointSpec): Dockerode.DockerOptions {
  const u = new URL(ep.dockerHost);
  const file = (p?: string): Buffer | undefined => (p ? readFileSync(p) : undefined);
  switch (u.protocol) {
    case 'unix:': return { socketPath: decodeURIComponent(u.pathname) };
    case 'tcp:':
      if (ep.tls) return { host: u.hostname, port: Number(u.port || 2376), protocol: 'https', ca: file(ep.tls.ca), cert: file(ep.tls.cert), key: file(ep.tls.key) };
      return { host: u.hostname, port: Number(u.port || 2375), protocol: 'http' };
    case 'ssh:':
      return { host: u.hostname, port: Number(u.port || 22), username: decodeURIComponent(u.username) || undefined, protocol: 'ssh', sshOptions: { agent: process.env.SSH_AUTH_SOCK } };
    default:
      throw new Error(`${ep.name}: unsupported endpoint ${ep.dockerHost} (unix://, tcp:// or ssh://)`);
  }
}

export function connect(ep: EndpointSpec): Dockerode {
  // loaded on first use: the embedded-only workstation never pays for it
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  return new Docker(modemOptions(ep));
}
