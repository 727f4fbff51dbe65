// What every handler gets and gives: the request with its path parameters and query,
// JSON in and out, docker's boolean and JSON-valued query parameters, and the plain
// (not hijacked) streaming response docker uses for logs, pull progress and events.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Engine } from '../engine/index.js';
import { badRequest } from './errors.js';
import type { ApiState } from './state.js';

export interface Ctx {
  engine: Engine;
  state: ApiState;
  req: IncomingMessage;
  /** Absent for a hijacked request (Upgrade: tcp): write to `socket` instead. */
  res?: ServerResponse;
  /** A hijacked request's connection, with `head` (bytes read past the headers) unread yet. */
  socket?: Duplex;
  head?: Buffer;
  /** The hijacked connection has been answered (101): it carries the stream, no more HTTP. */
  upgraded?: boolean;
  params: string[];
  query: URLSearchParams;
  /** The negotiated API version ("1.47"). */
  version: string;
}

/** docker's query booleans: 1, true, True (anything else, or absent, is false). */
export function qbool(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null || v === '') return dflt;
  return v === '1' || v.toLowerCase() === 'true';
}

export function qint(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
}

/** docker's filters parameter: {"name": ["x"]} or the old {"name": {"x": true}}, as KEY=VALUE strings. */
export function qfilters(q: URLSearchParams): string[] {
  const raw = q.get('filters');
  if (!raw) return [];
  let f: unknown;
  try { f = JSON.parse(raw); } catch { throw badRequest(`invalid filter: ${raw}`); }
  if (!f || typeof f !== 'object') throw badRequest(`invalid filter: ${raw}`);
  const out: string[] = [];
  for (const [k, v] of Object.entries(f as Record<string, unknown>)) {
    const values = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v).filter((x) => (v as Record<string, unknown>)[x]) : [v];
    for (const x of values) out.push(`${k}=${String(x)}`);
  }
  return out;
}

const MAX_JSON = 16 * 1024 * 1024;

/** The request's body; `socket` for a hijacked one (its Content-Length bytes, `head` first). */
export async function readBody(c: Ctx): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  if (c.socket) {
    const want = Number(c.req.headers['content-length'] ?? 0);
    let got = c.head ?? Buffer.alloc(0);
    while (got.length < want) {
      const chunk: Buffer | null = c.socket.read();
      if (chunk) { got = Buffer.concat([got, chunk]); continue; }
      await new Promise<void>((resolve, reject) => {
        const done = () => { c.socket!.off('readable', done); c.socket!.off('end', fail); resolve(); };
        const fail = () => { c.socket!.off('readable', done); reject(badRequest('the request body ended early')); };
        c.socket!.once('readable', done);
        c.socket!.once('end', fail);
      });
    }
    c.head = got.subarray(want); // what follows the body is the client's stream (stdin)
    return got.subarray(0, want);
  }
  for await (const chunk of c.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON) throw badRequest('request body too large');
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export async function readJson<T>(c: Ctx): Promise<T> {
  const body = (await readBody(c)).toString('utf8').trim();
  if (!body) return {} as T;
  try {
    return JSON.parse(body) as T;
  } catch (e) {
    throw badRequest(`invalid JSON: ${(e as Error).message}`);
  }
}

export function sendJson(c: Ctx, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body) + '\n');
  c.res!.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': data.length });
  c.res!.end(data);
}

export function sendEmpty(c: Ctx, status = 204): void {
  c.res!.writeHead(status);
  c.res!.end();
}

/** "2026-12-01T10:00:00Z" → unix seconds (docker's Created in lists). */
export const unixSeconds = (iso: string | undefined): number => (iso ? Math.floor(Date.parse(iso) / 1000) || 0 : 0);
