// An endpoint to docker-modem's options (what `new Dockerode(opts)` takes): a unix
// socket, TCP, TCP with TLS (client certificates; docker's SkipTLSVerify = no check
// of the server's certificate) or ssh (ssh-dial.ts). docker-modem merges its own
// reading of DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_CLIENT_TIMEOUT under the options
// it is given, so every one of those keys is set here, undefined where unused: the
// endpoint alone decides where a connection goes. Each endpoint gets its own
// keep-alive agent (an engine's list, events and stats share its connections).
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BerthError } from '../engine/index.js';
import type { Endpoint } from './endpoints.js';
import { parseSshUrl, sshAgent } from './ssh-dial.js';

/** The subset of docker-modem's constructor options berth sets. */
export interface ModemOptions {
  socketPath?: string;
  host?: string;
  port?: string;
  protocol?: 'http' | 'https';
  pathPrefix?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  agent?: HttpAgent;
  timeout?: number;
  username?: string;
}

export interface ConnectExtras {
  /** extra arguments for ssh before docker's own (e.g. `-F CONFIG`); by default the user's ssh config rules */
  sshArgs?: string[];
}

/** docker-modem options for a Docker Engine API endpoint; the embedded engine has none. */
export function connectOptions(ep: Endpoint, extras: ConnectExtras = {}): ModemOptions {
  if (ep.kind === 'embedded') throw new BerthError('INVALID_ARGUMENT', `${ep.name} is the embedded engine: it is reached in-process, not through the API`);
  if (ep.error) throw new BerthError('NOT_FOUND', ep.error);
  const host = ep.dockerHost ?? '';
  const none: ModemOptions = {
    socketPath: undefined, host: undefined, port: undefined, protocol: undefined, pathPrefix: undefined,
    ca: undefined, cert: undefined, key: undefined, agent: undefined, timeout: undefined, username: undefined,
  };
  const scheme = host.slice(0, host.indexOf('://'));
  if (scheme === 'unix') {
    const path = host.slice('unix://'.length);
    if (!path) throw new BerthError('INVALID_ARGUMENT', `unable to parse docker host \`${host}\``);
    return { ...none, socketPath: path };
  }
  if (scheme === 'tcp') {
    const u = parseUrl(host);
    const port = u.port || (ep.tls ? '2376' : '2375');
    const pathPrefix = u.pathname && u.pathname !== '/' ? u.pathname : '/';
    const hostname = u.hostname.replace(/^\[|\]$/g, '');
    if (!ep.tls) return { ...none, protocol: 'http', host: hostname, port, pathPrefix, agent: new HttpAgent({ keepAlive: true }) };
    const t = ep.tls;
    // the TLS settings live on the agent: docker-modem hands requests no rejectUnauthorized
    const agent = new HttpsAgent({ keepAlive: true, ca: t.ca, cert: t.cert, key: t.key, rejectUnauthorized: t.verify });
    return { ...none, protocol: 'https', host: hostname, port, pathPrefix, ca: t.ca, cert: t.cert, key: t.key, agent };
  }
  if (scheme === 'ssh') {
    const spec = parseSshUrl(host);
    // http over the ssh process's pipes: host and port only name the Host header
    return { ...none, protocol: 'http', host: spec.host.includes(':') ? `[${spec.host}]` : spec.host, port: '80', pathPrefix: '/', agent: sshAgent(spec, { sshArgs: extras.sshArgs }) };
  }
  throw new BerthError('UNSUPPORTED', `cannot connect to ${host || ep.name}: berth speaks unix://, tcp:// and ssh:// endpoints`);
}

function parseUrl(host: string): URL {
  try {
    return new URL(host);
  } catch {
    throw new BerthError('INVALID_ARGUMENT', `unable to parse docker host \`${host}\``);
  }
}
