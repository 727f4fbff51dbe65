// Registry authentication as docker does it (distribution's token protocol):
// a request is sent as is; a 401 carries `WWW-Authenticate`:
//   Basic realm="..."                          → resend with the user's credentials;
//   Bearer realm="URL",service="S",scope="..." → GET URL?service=S&scope=... (with
//   Basic credentials when the user logged in, anonymous otherwise), take
//   `token` (or `access_token`) from the JSON answer and resend with
//   `Authorization: Bearer <token>`.
// Tokens are cached per scope set for the life of the Authorizer (one command).
import { BerthError } from '../errors.js';
import type { Credentials } from './credentials.js';
import { discard, readBody, registryError, sendWithRetry, type HttpRequest, type HttpResponse } from './http.js';
import { urlAllowed, type RegistryPolicy } from './policy.js';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate value (RFC 7235): one or more challenges, each a
 * scheme followed by comma-separated key=value params (values quoted or tokens).
 * A token followed by "=" is a param of the current challenge; any other token
 * starts a new challenge.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const token = (): string => {
    const m = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(header.slice(i));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  let cur: Challenge | undefined;
  while (i < header.length) {
    while (i < header.length && /[\s,]/.test(header[i])) i++;
    if (i >= header.length) break;
    const t = token();
    if (t === '') { i++; continue; } // a stray character: skip it
    let j = i;
    while (header[j] === ' ' || header[j] === '\t') j++;
    if (header[j] === '=' && cur) {
      i = j + 1;
      while (header[i] === ' ' || header[i] === '\t') i++;
      let v = '';
      if (header[i] === '"') {
        for (i++; i < header.length && header[i] !== '"'; i++) {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          v += header[i];
        }
        i++;
      } else {
        for (; i < header.length && !/[\s,]/.test(header[i]); i++) v += header[i];
      }
      cur.params[t.toLowerCase()] = v;
    } else {
      cur = { scheme: t.toLowerCase(), params: {} };
      out.push(cur);
    }
  }
  return out;
}

export class Authorizer {
  private readonly tokens = new Map<string, string>();
  /** Set once a Basic challenge was answered: later requests send it up front. */
  private basic = false;

  constructor(private readonly creds: Credentials | undefined, private readonly policy: RegistryPolicy) {}

  /**
   * Sends `req` with the authorization known for `scopes`, answering one 401
   * challenge. Other answers (including a second 401) are returned to the caller.
   */
  async send(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    const key = scopes.join(' ');
    const first = await sendWithRetry(this.withAuth(req, key));
    if (first.status !== 401) return first;
    const header = first.headers['www-authenticate'];
    discard(first);
    const challenges = parseChallenges(Array.isArray(header) ? header.join(', ') : header ?? '');
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      this.tokens.set(key, await this.fetchToken(bearer, scopes));
    } else if (basic && this.creds) {
      this.basic = true;
    } else {
      throw new BerthError('INVALID_ARGUMENT', `${req.url.host}: unauthorized: authentication required${this.creds ? '' : ' (use berth login)'}`);
    }
    return sendWithRetry(this.withAuth(req, key));
  }

  private withAuth(req: HttpRequest, key: string): HttpRequest {
    const token = this.tokens.get(key);
    const value = token !== undefined ? `Bearer ${token}` : this.basic && this.creds ? basicHeader(this.creds) : undefined;
    return value === undefined ? req : { ...req, headers: { ...req.headers, Authorization: value } };
  }

  /** The distribution token endpoint: GET realm?service=&scope=... */
  async fetchToken(ch: Challenge, scopes: string[]): Promise<string> {
    const realm = ch.params.realm;
    if (!realm) throw new BerthError('INVALID_ARGUMENT', 'the registry asked for a bearer token without naming a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new BerthError('INVALID_ARGUMENT', `the registry's token realm "${realm}" is not a URL`);
    }
    if (!urlAllowed(url, this.policy)) {
      throw new BerthError('INVALID_ARGUMENT', `refusing to send credentials to the token server ${url.origin} over plain HTTP`);
    }
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    // the registry's own scope comes first; ours add pull/push/mount needs
    const wanted = [...new Set([...(ch.params.scope ? ch.params.scope.split(' ') : []), ...scopes])];
    for (const s of wanted) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (this.creds) headers.Authorization = basicHeader(this.creds);
    const res = await sendWithRetry({ method: 'GET', url, headers });
    if (res.status !== 200) throw await registryError(res, `token from ${url.origin}${url.pathname}`);
    let body: { token?: string; access_token?: string };
    try {
      body = JSON.parse((await readBody(res, 1024 * 1024)).toString('utf8')) as typeof body;
    } catch {
      throw new BerthError('INVALID_ARGUMENT', `the token server ${url.origin} did not answer JSON`);
    }
    const token = body.token || body.access_token;
    if (!token) throw new BerthError('INVALID_ARGUMENT', `the token server ${url.origin} answered without a token`);
    return token;
  }
}

export const basicHeader = (c: Credentials): string => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
