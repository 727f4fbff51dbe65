// Routes: METHOD and a path pattern ({x} = one path segment, {x*} = the rest, for image
// names with slashes) → handler. Paths come with or without docker's version prefix
// (/v1.41 … /v1.47); a client newer than that negotiates down through /_ping's header,
// an older one than 1.24 is refused as docker refuses it.
import type { Ctx } from './http.js';
import { ApiError } from './errors.js';

export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

export type Handler = (c: Ctx) => Promise<void> | void;
interface Route { method: string; re: RegExp; handler: Handler }

export class Router {
  private routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const re = new RegExp('^' + pattern.replace(/\{[a-z]+\*\}/gi, '(.+)').replace(/\{[a-z]+\}/gi, '([^/]+)') + '$');
    for (const m of method.split('|')) this.routes.push({ method: m, re, handler });
    return this;
  }

  /** The handler and its path parameters, and the version the path asked for. */
  match(method: string, rawPath: string): { handler: Handler; params: string[]; version: string } {
    let path = rawPath;
    let version = API_VERSION;
    const v = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
    if (v) {
      version = v[1];
      path = v[2];
      if (compareVersions(version, API_VERSION) > 0) {
        throw new ApiError(400, `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
      }
      if (compareVersions(version, MIN_API_VERSION) < 0) {
        throw new ApiError(400, `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
      }
    }
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) continue;
      return { handler: r.handler, params: m.slice(1).map(decodeURIComponent), version };
    }
    // docker's words for both
    throw new ApiError(pathMatched ? 405 : 404, pathMatched ? 'method not allowed' : 'page not found');
  }
}

export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number), [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}
