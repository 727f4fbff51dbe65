// An endpoint as a dockerode client: docker-modem speaks the HTTP and the hijacked
// exec streams; endpoints-connect.ts (the one place that turns an endpoint into
// connection options) picks the socket, TCP, TLS or ssh transport.
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import { connectOptions } from '../endpoints-connect.js';
import type { EndpointSpec } from '../types.js';

/** docker-modem's options for the endpoint (throws, in docker's words, for a bad address). */
export function modemOptions(ep: EndpointSpec): Dockerode.DockerOptions {
  return connectOptions({ ...ep, kind: 'docker', description: '', current: false }) as Dockerode.DockerOptions;
}

export function connect(ep: EndpointSpec): Dockerode {
  // loaded on first use: the embedded-only workstation never pays for it
  const Docker = createRequire(import.meta.url)('dockerode') as typeof Dockerode;
  return new Docker(modemOptions(ep));
}
