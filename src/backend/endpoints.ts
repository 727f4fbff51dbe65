// Where the engines come from: berth's own (embedded, in-process, always first),
// docker's "default" context (DOCKER_HOST or -H, else the local socket) and every
// context in docker's store, as docker's CLI resolves them (cli/command/cli.go
// resolveContextName): --context, then -H, then DOCKER_HOST, then DOCKER_CONTEXT,
// then `currentContext` in config.json. One difference, on purpose: where docker
// falls back to "default", berth falls back to its embedded engine, so that a
// docker user's settings never turn `berth` away from its own containers. A
// config.json saying `"currentContext": "default"` (what `berth context use
// default` writes; docker reads it as its default too) picks docker's default.
// The connection itself is endpoints-connect.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../engine/index.js';
import { configDir, readDockerConfig } from '../engine/registry/index.js';
import { ContextStore, type TlsFiles } from './contexts-store.js';

export const EMBEDDED = 'berth';
export const DEFAULT_CONTEXT = 'default';
export const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';
export const DEFAULT_UNIX_HOST = 'unix:///var/run/docker.sock';

export interface EndpointTls extends TlsFiles {
  /** false: docker's SkipTLSVerify (the server's certificate is not checked) */
  verify: boolean;
}

export interface Endpoint {
  name: string;
  /** embedded: berth's engine in this process; docker: a Docker Engine API at dockerHost */
  kind: 'embedded' | 'docker';
  /** docker's host string: unix:///PATH, tcp://HOST:PORT[/PATH], ssh://[USER@]HOST[:PORT][/PATH] */
  dockerHost?: string;
  tls?: EndpointTls;
  description: string;
  current: boolean;
  /** why the endpoint cannot be used (a current context that is not in the store) */
  error?: string;
}

/** The global flags that choose an endpoint (berth -H X / --context X, docker's). */
export interface EndpointArgs {
  host?: string | string[];
  context?: string;
}

/**
 * Every endpoint, embedded first, then docker's default, then the stored contexts by
 * name; exactly one is `current`. Throws (docker's words) for -H with --context, two -H,
 * a host that does not parse, or a --context that does not exist.
 */
export function resolveEndpoints(argv: EndpointArgs, env: NodeJS.ProcessEnv = process.env): Endpoint[] {
  const hosts = argv.host === undefined ? [] : Array.isArray(argv.host) ? argv.host : [argv.host];
  if (argv.context && hosts.length) throw new BerthError('INVALID_ARGUMENT', 'conflicting options: cannot specify both --host and --context');
  if (hosts.length > 1) throw new BerthError('INVALID_ARGUMENT', 'Specify only one -H');
  const dir = configDir(env);
  const store = new ContextStore(dir);
  const currentName = argv.context || (hosts.length || env.DOCKER_HOST ? DEFAULT_CONTEXT : undefined)
    || env.DOCKER_CONTEXT || configuredContext(dir) || EMBEDDED;

  const list: Endpoint[] = [
    { name: EMBEDDED, kind: 'embedded', description: "berth's embedded engine (in-process)", current: false },
    defaultEndpoint(hosts[0] ?? env.DOCKER_HOST, env, dir),
  ];
  const stored = store.list().filter((m) => m.Name !== EMBEDDED && m.Name !== DEFAULT_CONTEXT)
    .sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
  for (const m of stored) {
    const d = m.Endpoints.docker ?? {};
    const tlsFiles = store.tls(m.Name);
    const hasTls = Object.keys(tlsFiles).length > 0 || d.SkipTLSVerify === true;
    list.push({
      name: m.Name, kind: 'docker', dockerHost: d.Host ?? '', description: m.Metadata.Description ?? '', current: false,
      // docker's rule (context/docker/load.go): TLS when there is material or verification is skipped
      tls: hasTls ? { ...tlsFiles, verify: d.SkipTLSVerify !== true } : undefined,
      error: d.Host ? undefined : 'no docker endpoint in this context',
    });
  }
  const cur = list.find((e) => e.name === currentName);
  if (cur) {
    cur.current = true;
  } else {
    let missing = '';
    try {
      store.get(currentName);
    } catch (e) {
      missing = (e as Error).message;
    }
    // asked for on the command line: refused now; from the environment or config.json:
    // listed with its error, as docker's `context ls` does, and unusable
    if (argv.context) throw new BerthError('NOT_FOUND', missing);
    list.push({ name: currentName, kind: 'docker', description: '', current: true, error: missing });
  }
  return list;
}

/** The endpoint marked current. */
export const currentEndpoint = (list: Endpoint[]): Endpoint => list.find((e) => e.current)!;

/** `currentContext` in docker's config.json ("" or absent: none). */
function configuredContext(dir: string): string | undefined {
  return (readDockerConfig(join(dir, 'config.json')).currentContext as string | undefined) || undefined;
}

/** docker's default context: -H or DOCKER_HOST, TLS from DOCKER_TLS_VERIFY / DOCKER_TLS and DOCKER_CERT_PATH. */
function defaultEndpoint(host: string | undefined, env: NodeJS.ProcessEnv, dir: string): Endpoint {
  const verify = !!env.DOCKER_TLS_VERIFY;
  const useTls = verify || !!env.DOCKER_TLS;
  let tls: EndpointTls | undefined;
  if (useTls) {
    const certDir = env.DOCKER_CERT_PATH || dir;
    tls = { verify };
    for (const f of ['ca', 'cert', 'key'] as const) {
      try {
        tls[f] = readFileSync(join(certDir, `${f}.pem`));
      } catch { /* docker uses the files that exist */ }
    }
  }
  return { name: DEFAULT_CONTEXT, kind: 'docker', dockerHost: parseDockerHost(host, useTls), tls, description: DEFAULT_DESCRIPTION, current: false };
}

/**
 * docker's -H / DOCKER_HOST normalisation (opts.ParseHost): blank = the local socket,
 * no scheme = tcp, tcp without host or port = localhost:2375 (2376 with TLS), unix
 * without a path = the local socket; ssh, fd and npipe as given.
 */
export function parseDockerHost(raw: string | undefined, tls = false): string {
  const h = (raw ?? '').trim();
  if (!h) return tls ? 'tcp://localhost:2376' : DEFAULT_UNIX_HOST;
  const withScheme = h.includes('://') ? h : `tcp://${h}`;
  const scheme = withScheme.slice(0, withScheme.indexOf('://')).toLowerCase();
  const rest = withScheme.slice(scheme.length + 3);
  switch (scheme) {
    case 'unix':
      return rest ? `unix://${rest}` : DEFAULT_UNIX_HOST;
    case 'tcp': {
      const m = /^(\[[^\]]*\]|[^:/]*)(?::([^/]*))?(\/.*)?$/.exec(rest);
      if (!m || (m[2] !== undefined && m[2] !== '' && !/^\d+$/.test(m[2]))) throw new BerthError('INVALID_ARGUMENT', `invalid bind address format: ${h}`);
      return `tcp://${m[1] || 'localhost'}:${m[2] || (tls ? '2376' : '2375')}${m[3] ?? ''}`;
    }
    case 'ssh':
    case 'fd':
    case 'npipe':
      return withScheme;
    default:
      throw new BerthError('INVALID_ARGUMENT', `invalid bind address format: ${h}`);
  }
}
