// One HTTP exchange with a registry over node:http / node:https, plus the
// retry rule: network errors and 5xx/429 answers are retried with exponential
// backoff, but only when the request can be replayed (no body, or a body given
// as bytes or as a function that reopens it).
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BerthError } from '../errors.js';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  /** Bytes, or a function that opens the body stream (called again on a retry). */
  body?: Buffer | (() => Readable);
  /** Content-Length for a streamed body. */
  length?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body stream; read it to the end or call discard(). */
  body: IncomingMessage;
}

const ATTEMPTS = 4;
const BASE_DELAY_MS = 200;
/** No answer (headers) within this time: the request is treated as a network error. */
const TIMEOUT_MS = 60_000;
const RETRY_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED']);

export const retriableStatus = (s: number): boolean => s >= 500 || s === 429;
export const retriableError = (e: unknown): boolean => RETRY_CODES.has((e as NodeJS.ErrnoException)?.code ?? '');

/** Waits before attempt `n` (1-based retries): 200, 400, 800 ms. */
export const backoff = (n: number): Promise<void> => sleep(BASE_DELAY_MS * 2 ** (n - 1));

/** One attempt, no retries. */
export function send(req: HttpRequest): Promise<HttpResponse> {
  const request = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'User-Agent': 'berth/0.1', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
    else if (req.body !== undefined && req.length !== undefined) headers['Content-Length'] = String(req.length);
    else if (req.body === undefined && (req.method === 'PUT' || req.method === 'POST')) headers['Content-Length'] = '0';
    const r = request(req.url, { method: req.method, headers, timeout: TIMEOUT_MS }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error(`${req.method} ${req.url.host}: no answer in ${TIMEOUT_MS / 1000}s`), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      const src = req.body();
      src.on('error', (e) => r.destroy(e));
      src.pipe(r);
    }
  });
}

/** send() with retries on network errors and 5xx (the failed answer's body is drained). */
export async function sendWithRetry(req: HttpRequest): Promise<HttpResponse> {
  for (let attempt = 1; ; attempt++) {
    let res: HttpResponse;
    try {
      res = await send(req);
    } catch (e) {
      if (attempt < ATTEMPTS && retriableError(e)) {
        await backoff(attempt);
        continue;
      }
      throw networkError(req, e);
    }
    if (attempt < ATTEMPTS && retriableStatus(res.status)) {
      discard(res);
      await backoff(attempt);
      continue;
    }
    return res;
  }
}

export function discard(res: HttpResponse): void {
  res.body.resume();
}

/** The whole body, at most `limit` bytes (manifests, tokens, errors). */
export async function readBody(res: HttpResponse, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res.body) {
    n += (c as Buffer).length;
    if (n > limit) {
      res.body.destroy();
      throw new BerthError('INVALID_ARGUMENT', `the registry's answer is larger than ${limit} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export function networkError(req: HttpRequest, e: unknown): BerthError {
  const err = e as NodeJS.ErrnoException;
  return new BerthError('INTERNAL', `${req.method} ${req.url.origin}${req.url.pathname}: ${err.code ?? ''} ${err.message}`.replace(/ {2,}/g, ' '), { cause: e });
}

/** A registry error answer as one line: the distribution error codes and messages if it sent JSON. */
export async function registryError(res: HttpResponse, what: string): Promise<BerthError> {
  let detail = '';
  try {
    const body = JSON.parse((await readBody(res, 64 * 1024)).toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> };
    // docker's form: the code as words, then the message ("manifest unknown: manifest unknown")
    detail = (body.errors ?? []).map((x) => [x.code?.toLowerCase().replace(/_/g, ' '), x.message].filter(Boolean).join(': ')).filter(Boolean).join('; ');
  } catch {
    /* not JSON, or empty (HEAD) */
  }
  // docker prints auth failures as "unauthorized: <message>" / "denied: <message>"
  const kind = res.status === 401 ? 'unauthorized' : res.status === 403 ? 'denied' : '';
  if (kind && !detail.toLowerCase().startsWith(kind)) detail = `${kind}: ${detail || `HTTP ${res.status}`}`;
  const text = `${what}: ${detail || `HTTP ${res.status}`}`;
  if (res.status === 404) return new BerthError('NOT_FOUND', text);
  if (res.status === 401 || res.status === 403) return new BerthError('INVALID_ARGUMENT', text);
  return new BerthError('INTERNAL', text);
}
