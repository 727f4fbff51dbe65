// A client for one registry (Registry HTTP API v2 / OCI distribution spec):
// the calls pull and push need, each with its repository scope so the
// Authorizer asks the token server for exactly what is needed.
import type { Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { Authorizer } from './auth.js';
import { findCredentials, type Credentials } from './credentials.js';
import { discard, readBody, registryError, sendWithRetry, type HttpRequest, type HttpResponse } from './http.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { registryBase, urlAllowed, type RegistryPolicy } from './policy.js';

export interface ClientOptions {
  policy: RegistryPolicy;
  /** Explicit credentials (login); default: the docker config file's. */
  credentials?: Credentials;
}

const pullScope = (repo: string) => `repository:${repo}:pull`;
const pushScope = (repo: string) => `repository:${repo}:pull,push`;

export class RegistryClient {
  readonly base: URL;
  private readonly auth: Authorizer;

  constructor(readonly domain: string, private readonly opts: ClientOptions) {
    this.base = registryBase(domain, opts.policy);
    this.auth = new Authorizer(opts.credentials ?? findCredentials(domain), opts.policy);
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  /** GET /v2/: the API check login uses (answers 200 once authorized). */
  async ping(): Promise<void> {
    const res = await this.auth.send({ method: 'GET', url: this.url('/v2/') }, []);
    if (res.status !== 200) throw await registryError(res, `${this.domain}: login`);
    discard(res);
  }

  /** The manifest bytes for a tag or digest, with the Content-Type and Docker-Content-Digest the registry sent. */
  async getManifest(repo: string, ref: string): Promise<{ bytes: Buffer; contentType?: string; digest?: string }> {
    const res = await this.auth.send({
      method: 'GET', url: this.url(`/v2/${repo}/manifests/${ref}`), headers: { Accept: MANIFEST_ACCEPT },
    }, [pullScope(repo)]);
    if (res.status !== 200) {
      const name = `${this.domain}/${repo}${ref.startsWith('sha256:') ? '@' : ':'}${ref}`;
      throw await registryError(res, res.status === 404 ? `manifest for ${name} not found` : `manifest for ${name}`);
    }
    const digest = header(res, 'docker-content-digest');
    return { bytes: await readBody(res), contentType: header(res, 'content-type'), digest };
  }

  /** The blob's byte stream (verification is the caller's). */
  async getBlob(repo: string, digest: string): Promise<{ body: Readable; length?: number }> {
    const res = await this.followRedirects({ method: 'GET', url: this.url(`/v2/${repo}/blobs/${digest}`) }, [pullScope(repo)]);
    if (res.status !== 200) throw await registryError(res, `blob ${digest} of ${repo}`);
    const len = Number(header(res, 'content-length'));
    return { body: res.body, length: Number.isFinite(len) ? len : undefined };
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.auth.send({ method: 'HEAD', url: this.url(`/v2/${repo}/blobs/${digest}`) }, [pushScope(repo)]);
    if (res.status === 200 || res.status === 404) {
      discard(res);
      return res.status === 200;
    }
    throw await registryError(res, `checking blob ${digest} in ${repo}`);
  }

  /**
   * Uploads a blob: a cross-repository mount from `from` when given (no bytes
   * sent), else POST for an upload session and one PUT ?digest= with the content.
   * Returns how it got there.
   */
  async putBlob(repo: string, digest: string, size: number, open: () => Readable, from?: string): Promise<'mounted' | 'pushed'> {
    const scopes = from ? [pushScope(repo), pullScope(from)] : [pushScope(repo)];
    const start = this.url(`/v2/${repo}/blobs/uploads/`);
    if (from) {
      start.searchParams.set('mount', digest);
      start.searchParams.set('from', from);
    }
    const res = await this.auth.send({ method: 'POST', url: start }, scopes);
    if (res.status !== 201 && res.status !== 202) throw await registryError(res, `starting the upload of ${digest} to ${repo}`);
    discard(res);
    if (res.status === 201) return 'mounted';
    const put = this.location(res);
    put.searchParams.set('digest', digest);
    const done = await this.auth.send({
      method: 'PUT', url: put, body: open, length: size, headers: { 'Content-Type': 'application/octet-stream' },
    }, scopes);
    if (done.status !== 201) throw await registryError(done, `uploading ${digest} to ${repo}`);
    discard(done);
    return 'pushed';
  }

  /** PUT the manifest under a tag; returns the digest the registry computed. */
  async putManifest(repo: string, tag: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.auth.send({
      method: 'PUT', url: this.url(`/v2/${repo}/manifests/${tag}`), body: bytes, headers: { 'Content-Type': mediaType },
    }, [pushScope(repo)]);
    if (res.status !== 201) throw await registryError(res, `pushing the manifest of ${repo}:${tag}`);
    discard(res);
    return header(res, 'docker-content-digest');
  }

  /** The upload URL a registry answered with (relative or absolute), checked against the scheme policy. */
  private location(res: HttpResponse): URL {
    const loc = header(res, 'location');
    if (!loc) throw new BerthError('INTERNAL', `${this.domain}: the registry started an upload without a Location`);
    const url = new URL(loc, this.base);
    if (!urlAllowed(url, this.opts.policy)) throw new BerthError('INVALID_ARGUMENT', `${this.domain}: refusing the plain-HTTP upload location ${url.origin}`);
    return url;
  }

  /** Blob GETs may be redirected to storage (S3 and the like); the redirect target gets no registry credentials. */
  private async followRedirects(req: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    let res = await this.auth.send(req, scopes);
    for (let hops = 0; hops < 5 && [301, 302, 303, 307, 308].includes(res.status); hops++) {
      const next = this.location(res);
      discard(res);
      res = await sendWithRetry({ method: 'GET', url: next });
    }
    return res;
  }
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
