// The listener: a unix socket (docker's default transport; mode 0660, so access is
// root's group's: whoever can reach it is root on this host) or TCP, which off loopback
// needs TLS with client certificates (docker's --tlsverify). Plain HTTP/1.1 from
// node:http; hijacked requests come through the 'upgrade' event. The service ends when
// nothing was asked of it for `idleSeconds` (podman's --time; 0 = never) or on SIGINT/
// SIGTERM, and then leaves nothing behind: its connections closed, its socket file gone.
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, isIP } from 'node:net';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { BerthError, type Engine } from '../engine/index.js';
import { errorStatus } from './errors.js';
import type { Ctx } from './http.js';
import { routes } from './routes.js';
import { API_VERSION, MIN_API_VERSION } from './router.js';
import { ApiState } from './state.js';

export const DEFAULT_SOCKET = '/run/berth/berth.sock';

export type Listen = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export interface TlsFiles { ca: string; cert: string; key: string }

export interface ServeOptions {
  listen: Listen;
  /** Seconds without a request before the service ends; 0 = never. */
  idleSeconds: number;
  tls?: TlsFiles;
  /** One line per problem the service met (a request that failed with 500). */
  log?: (line: string) => void;
}

/** docker's -H syntax: unix:///path or tcp://host:port. */
export function parseHost(h: string): Listen {
  const unix = /^unix:\/\/(\/.+)$/.exec(h);
  if (unix) return { kind: 'unix', path: unix[1] };
  const tcp = /^tcp:\/\/(\[[0-9a-fA-F:]+\]|[^:/]+):(\d+)$/.exec(h);
  if (tcp && Number(tcp[2]) < 65536) return { kind: 'tcp', host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new BerthError('INVALID_ARGUMENT', `invalid --host ${JSON.stringify(h)}: want unix:///PATH or tcp://HOST:PORT`);
}

const isLoopback = (host: string): boolean => host === 'localhost' || /^127\./.test(host) || host === '::1';

/** Runs until idle or signalled; resolves once everything is closed. */
export async function serve(engine: Engine, o: ServeOptions): Promise<void> {
  if (o.listen.kind === 'tcp' && !isLoopback(o.listen.host) && !o.tls) {
    throw new BerthError('INVALID_ARGUMENT', `refusing to listen on tcp://${o.listen.host}:${o.listen.port} without TLS client certificates (--tlsverify): whoever reaches this API is root on this host`);
  }
  if (o.listen.kind === 'tcp' && o.listen.host !== 'localhost' && !isIP(o.listen.host)) {
    throw new BerthError('INVALID_ARGUMENT', `invalid --host address ${o.listen.host}: give an IP address`);
  }
  const state = new ApiState();
  const router = routes();
  let active = 0;
  let idle: NodeJS.Timeout | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const arm = () => {
    if (active > 0 || !o.idleSeconds) return;
    clearTimeout(idle);
    idle = setTimeout(() => void shutdown(), o.idleSeconds * 1000);
  };
  const busy = (): (() => void) => {
    active++;
    clearTimeout(idle);
    let once = false;
    return () => { if (!once) { once = true; active--; arm(); } };
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse | undefined, socket: Duplex | undefined, head: Buffer | undefined) => {
    const url = new URL(req.url ?? '/', 'http://berth');
    const c: Ctx = { engine, state, req, res, socket, head, params: [], query: url.searchParams, version: API_VERSION };
    try {
      const m = router.match(req.method ?? 'GET', url.pathname);
      c.params = m.params;
      c.version = m.version;
      await m.handler(c);
    } catch (e) {
      const { status, message } = errorStatus(e);
      if (status >= 500) o.log?.(`${req.method} ${url.pathname}: ${message}`);
      const body = JSON.stringify({ message }) + '\n';
      if (res && !res.headersSent) {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else if (res) {
        res.end(); // mid-stream: the client sees the stream end
      } else if (socket && c.upgraded) {
        socket.end(); // mid-stream: the client sees the stream end
      } else if (socket && !socket.destroyed) {
        socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const done = busy();
    res.on('close', done);
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Docker-Experimental', 'false');
    res.setHeader('Ostype', 'linux');
    res.setHeader('Server', `Docker/berth (linux)`);
    void dispatch(req, res, undefined, undefined);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const done = busy();
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
    void dispatch(req, undefined, socket, head);
  };

  let server: Server;
  if (o.tls) {
    server = createHttpsServer({
      ca: readFileSync(o.tls.ca), cert: readFileSync(o.tls.cert), key: readFileSync(o.tls.key),
      requestCert: true, rejectUnauthorized: true,
      // as node:http's own server: the docker CLI half-closes a hijacked connection it sends
      // no stdin on (TLS: close_notify), and still reads the container's output from it
      allowHalfOpen: true,
    }, onRequest);
  } else {
    server = createHttpServer(onRequest);
  }
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_e, socket) => socket.destroy());
  // a connection with no request in flight does not keep the service up, as podman's
  server.keepAliveTimeout = 5000;

  if (o.listen.kind === 'unix') await listenUnix(server, o.listen.path);
  else await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen((o.listen as { port: number }).port, (o.listen as { host: string }).host, () => { server.off('error', reject); resolve(); });
  });

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    clearTimeout(idle);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    server.close();
    server.closeAllConnections();
    if (o.listen.kind === 'unix') { try { unlinkSync(o.listen.path); } catch { /* gone already */ } }
    finish();
  };
  const onSignal = () => void shutdown();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  arm();
  await finished;
}

/** Binds the socket: a stale file of a dead service is replaced, a live one is refused. */
async function listenUnix(server: Server, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket()) throw new BerthError('CONFLICT', `${path} exists and is not a socket`);
    const live = await new Promise<boolean>((resolve) => {
      const s = connect(path, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (live) throw new BerthError('CONFLICT', `another service is listening on ${path}`);
    unlinkSync(path);
  }
  // bound under a umask: the socket is never wider than 0660, not even for a moment
  const umask = process.umask(0o117);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => { server.off('error', reject); resolve(); });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(path, 0o660);
}

export { API_VERSION, MIN_API_VERSION };
