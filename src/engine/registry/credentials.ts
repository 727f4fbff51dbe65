// Registry credentials in docker's own file: $DOCKER_CONFIG/config.json, else
// ~/.docker/config.json, `{"auths": {"<server>": {"auth": base64("user:pass")}}}`.
// berth reads what `docker login` wrote and writes what docker reads; every other
// key in the file (credsStore, proxies, ...) is kept as it was. Credential
// helpers (credsStore/credHelpers) are not run: an entry kept only in a helper
// is not seen, and the error says so.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { atomicWriteFile, readJson } from '../store/atomic.js';

export interface Credentials { username: string; password: string }

interface AuthEntry { auth?: string; username?: string; password?: string; identitytoken?: string }
interface DockerConfig { auths?: Record<string, AuthEntry>; credsStore?: string; credHelpers?: Record<string, string>; [k: string]: unknown }

/** docker keys Docker Hub under its v1 index URL. */
const HUB_KEY = 'https://index.docker.io/v1/';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(homedir(), '.docker');
}

export const configPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'config.json');

/** The key a server is stored under: docker.io → the hub URL, anything else as "host[:port]". */
export function serverKey(server: string): string {
  const host = server.replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io' ? HUB_KEY : host;
}

/** docker's config.json as an object ({} when there is none); every key kept, for a read-modify-write. */
export function readDockerConfig(path = configPath()): DockerConfig {
  return load(path);
}

/** Writes docker's config.json as docker does (tabs, 0600, atomically). */
export function writeDockerConfig(doc: DockerConfig, path = configPath()): void {
  write(path, doc);
}

function load(path: string): DockerConfig {
  try {
    return readJson<DockerConfig>(path) ?? {};
  } catch (e) {
    throw new BerthError('INVALID_ARGUMENT', `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Credentials for a registry domain, or undefined (anonymous). Keys written with a scheme or path match too. */
export function findCredentials(domain: string, path = configPath()): Credentials | undefined {
  const want = serverKey(domain);
  const auths = load(path).auths ?? {};
  for (const [key, entry] of Object.entries(auths)) {
    if (serverKey(key) !== want && key !== want) continue;
    if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
    if (!entry.auth) continue;
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon < 0) throw new BerthError('INVALID_ARGUMENT', `${path}: the "auth" entry for ${key} is not base64("user:password")`);
    return { username: text.slice(0, colon), password: text.slice(colon + 1) };
  }
  return undefined;
}

/** Stores credentials (0600, atomically), keeping the rest of the file. */
export function saveCredentials(domain: string, creds: Credentials, path = configPath()): void {
  const doc = load(path);
  const auths = { ...(doc.auths ?? {}) };
  auths[serverKey(domain)] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  write(path, { ...doc, auths });
}

/** Removes a server's credentials; false when there were none. */
export function removeCredentials(domain: string, path = configPath()): boolean {
  const doc = load(path);
  const auths = { ...(doc.auths ?? {}) };
  const want = serverKey(domain);
  const keys = Object.keys(auths).filter((k) => k === want || serverKey(k) === want);
  if (keys.length === 0) return false;
  for (const k of keys) delete auths[k];
  write(path, { ...doc, auths });
  return true;
}

function write(path: string, doc: DockerConfig): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  // tabs, as docker writes it; 0600: the file holds passwords
  atomicWriteFile(path, JSON.stringify(doc, null, '\t') + '\n', 0o600);
}
