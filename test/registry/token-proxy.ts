// A small distribution-style token service for the Bearer tests, in front of a
// real (open) docker-registry: every /v2/ request needs `Authorization: Bearer`
// with a token granting the repository scope the request needs, else 401 with
// `WWW-Authenticate: Bearer realm=".../token",service=...,scope=...`, as Docker
// Hub does. GET /token issues tokens: pull for anyone, pull+push for the user
// with the right Basic credentials. Granted requests are forwarded unchanged.
// It runs as a child process: the tests drive berth with spawnSync, which
// blocks this process's event loop.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface TokenRequest { scopes: string[]; user?: string }

export interface TokenProxy {
  readonly addr: string;
  /** Every token request seen so far: the scopes asked and whether Basic credentials came with it. */
  tokenRequests(): TokenRequest[];
  close(): Promise<void>;
}

/** Starts the proxy in a child process; `log` collects its token requests (JSON lines). */
export async function startTokenProxy(upstream: string, user: { username: string; password: string }, log: string): Promise<TokenProxy> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), upstream, user.username, user.password, log], { stdio: ['ignore', 'pipe', 'inherit'] });
  const addr = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (c) => reject(new Error(`token proxy exited ${c}`)));
  });
  return {
    addr,
    tokenRequests: () => {
      let text = '';
      try { text = readFileSync(log, 'utf8'); } catch { /* none yet */ }
      return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TokenRequest);
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

async function serve(upstream: string, user: { username: string; password: string }, log: string): Promise<void> {
  const tokens = new Map<string, Set<string>>(); // token → "repo:action" grants
  let addr = '';
  const SERVICE = 'berth-test-registry';

  const issue = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const auth = req.headers.authorization ?? '';
    let who: string | undefined;
    if (auth.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (u !== user.username || p.join(':') !== user.password) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      who = u;
    }
    const scopes = url.searchParams.getAll('scope');
    appendFileSync(log, JSON.stringify({ scopes, user: who }) + '\n');
    if (url.searchParams.get('service') !== SERVICE) {
      res.writeHead(400).end('wrong service');
      return;
    }
    const grants = new Set<string>(['login']);
    for (const s of scopes) {
      const [kind, repo, actions] = s.split(':');
      if (kind !== 'repository') continue;
      for (const a of actions.split(',')) if (a === 'pull' || (a === 'push' && who)) grants.add(`${repo}:${a}`);
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, grants);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  };

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const up = http.request({ host: upstream.split(':')[0], port: Number(upstream.split(':')[1]), method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${addr}`);
    if (url.pathname === '/token') return issue(req, res, url);
    // /v2/<name>/(manifests|blobs|tags)/...: the scope needed
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname);
    const need = m ? `${m[1]}:${['GET', 'HEAD'].includes(req.method ?? '') ? 'pull' : 'push'}` : 'login';
    const mount = url.searchParams.get('from');
    const auth = req.headers.authorization ?? '';
    const grants = auth.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
    if (!grants || !grants.has(need) || (mount && !grants.has(`${mount}:pull`))) {
      const scope = m ? ` ,scope="repository:${m[1]}:${need.endsWith('push') ? 'pull,push' : 'pull'}"`.replace(' ,', ',') : '';
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer realm="http://${addr}/token",service="${SERVICE}"${scope}`,
        'Content-Type': 'application/json',
      }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      req.resume();
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  addr = `127.0.0.1:${(server.address() as { port: number }).port}`;
  process.stdout.write(`${addr}\n`);
  process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [upstream, username, password, log] = process.argv.slice(2);
  await serve(upstream, { username, password }, log);
}
