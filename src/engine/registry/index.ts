// The registry service's face: pull, push, login and logout against Registry
// HTTP API v2 / OCI distribution registries (docker's reference normalisation,
// docker's credential file, TLS except for loopback and --insecure-registry).
import type { Layout } from '../store/layout.js';
import type { ImageStore } from '../image/index.js';
import { invalid } from '../errors.js';
import { emitImageEvent } from '../events/index.js';
import { familiar } from '../image/index.js';
import { removeCredentials, saveCredentials, serverKey, type Credentials } from './credentials.js';
import type { RegistryPolicy } from './policy.js';
import type { PullOptions, PullResult } from './pull.js';
import type { PushOptions, PushResult } from './push.js';

// pull, push and the HTTP client (node:http, node:https, TLS) are imported by the first
// pull, push or login, not loaded by every command; in the bundled CLI these import()s
// become lazily initialised bundled code.

export { policyFrom, schemeFor, isLoopback, type RegistryPolicy } from './policy.js';
export { createProgress, type ProgressMode, type ProgressSink } from './progress.js';
export { configDir, configPath, findCredentials, readDockerConfig, writeDockerConfig, type Credentials } from './credentials.js';
export { parsePlatform } from './manifest.js';
export type { PullOptions, PullResult, PushOptions, PushResult };

/** docker login's default server. */
export const DEFAULT_SERVER = 'docker.io';

export class RegistryService {
  constructor(private readonly layout: Layout, private readonly images: ImageStore) {}

  async pull(ref: string, opts: PullOptions): Promise<PullResult> {
    const { pullImage } = await import('./pull.js');
    const r = await pullImage({ layout: this.layout, images: this.images }, ref, opts);
    const name = familiar(r.reference);
    emitImageEvent(this.layout, 'pull', name, name); // docker's actor for a pull is the reference
    return r;
  }

  async push(ref: string, opts: PushOptions): Promise<PushResult> {
    const { pushImage } = await import('./push.js');
    const r = await pushImage({ layout: this.layout, images: this.images }, ref, opts);
    const name = familiar(r.reference);
    emitImageEvent(this.layout, 'push', name, name);
    return r;
  }

  /** Checks the credentials against the registry (GET /v2/), then stores them in docker's config file. */
  async login(server: string, creds: Credentials, policy: RegistryPolicy): Promise<void> {
    saveCredentials(await this.checkLogin(server, creds, policy), creds);
  }

  /** Checks the credentials against the registry (GET /v2/) and keeps nothing (the API's
   * /auth: docker's client stores them itself); returns the registry's domain. */
  async checkLogin(server: string, creds: Credentials, policy: RegistryPolicy): Promise<string> {
    const domain = loginDomain(server);
    const { RegistryClient } = await import('./client.js');
    await new RegistryClient(domain, { policy, credentials: creds }).ping();
    return domain;
  }

  /** false when no credentials were stored for the server. */
  logout(server: string): boolean {
    return removeCredentials(loginDomain(server));
  }
}

/** "127.0.0.1:5000", "https://host/v1/" or "" (Docker Hub) → the registry domain. */
export function loginDomain(server: string): string {
  const s = server.trim();
  if (s === '') return DEFAULT_SERVER;
  const key = serverKey(s);
  if (key.startsWith('https://')) return DEFAULT_SERVER;
  if (!/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:]+\])(?::\d+)?$/.test(key)) {
    throw invalid(`invalid registry server "${server}"`);
  }
  return key;
}
