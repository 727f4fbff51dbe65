// An endpoint's failures as the engine's errors, so every face reads one kind:
// an HTTP answer becomes a BerthError whose code follows the status (404 no such
// object, 409 conflict, 400 a bad request) and whose message is the daemon's own
// words ("No such container: x", which scripts grep, as from the embedded engine);
// a connection that cannot be made is docker's CLI line for it. Applied to a
// DockerBackend's operations once (`guard`), not at each call.
import { BerthError, type ErrorCode } from '../../engine/index.js';

const CODES: Record<number, ErrorCode> = { 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 409: 'CONFLICT', 501: 'UNSUPPORTED' };
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);

interface ModemError { statusCode?: number; json?: unknown; reason?: string; code?: string; message?: string }

export function apiError(e: unknown, host: string): unknown {
  if (e instanceof BerthError || typeof e !== 'object' || e === null) return e;
  const x = e as ModemError;
  if (typeof x.statusCode === 'number') {
    const body = x.json as { message?: string } | string | null | undefined;
    // a streamed request's answer is only in docker-modem's message: "(HTTP code 404) no such container - No such container: x "
    const streamed = /^\(HTTP code \d+\) [^-]*- ([\s\S]*)$/.exec(x.message ?? '')?.[1];
    const said = (typeof body === 'object' && body?.message) || (typeof body === 'string' && body) || streamed || x.reason || `status ${x.statusCode}`;
    return new BerthError(CODES[x.statusCode] ?? 'INTERNAL', said.trim(), { cause: e });
  }
  if (x.code && UNREACHABLE.has(x.code)) {
    return new BerthError('UNSUPPORTED', `Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`, { cause: e });
  }
  return e;
}

/** The same object with every method's failure (a rejected promise, a throw, an async
 * iterator's throw) passed through apiError. */
export function guard<T extends object>(obj: T, host: string): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = typeof v === 'function' ? guardFn(v as (...a: unknown[]) => unknown, host) : v;
  return out as T;
}

export function guardFn<A extends unknown[], R>(fn: (...a: A) => R, host: string): (...a: A) => R {
  return (...args: A): R => {
    let r: unknown;
    try { r = fn(...args); } catch (e) { throw apiError(e, host); }
    if (r instanceof Promise) return r.catch((e: unknown) => { throw apiError(e, host); }) as R;
    if (r && typeof r === 'object' && Symbol.asyncIterator in r) return guardIterable(r as AsyncIterable<unknown>, host) as R;
    return r as R;
  };
}

async function* guardIterable<T>(it: AsyncIterable<T>, host: string): AsyncGenerator<T> {
  try { yield* it; } catch (e) { throw apiError(e, host); }
}
