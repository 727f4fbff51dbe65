// Which scheme a registry is spoken to with. TLS is the rule; plain HTTP only for
// loopback hosts (nothing leaves the machine) and hosts the user listed with
// --insecure-registry / BERTH_INSECURE_REGISTRIES — docker's "insecure
// registries", which it also allows for 127.0.0.0/8 by default.
import { isIP } from 'node:net';

export interface RegistryPolicy {
  /** "host:port" or "host" entries allowed over plain HTTP. */
  readonly insecure: readonly string[];
}

/** The policy from the command's flags plus BERTH_INSECURE_REGISTRIES (comma or space separated). */
export function policyFrom(flags: readonly string[] = [], env: string | undefined = process.env.BERTH_INSECURE_REGISTRIES): RegistryPolicy {
  const fromEnv = (env ?? '').split(/[\s,]+/).filter(Boolean);
  return { insecure: [...flags, ...fromEnv].map((h) => h.toLowerCase()) };
}

/** The host part of "host:port", "[v6]:port" or "host". */
export function hostOf(hostPort: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(hostPort);
  if (v6) return v6[1];
  const colon = hostPort.lastIndexOf(':');
  return colon >= 0 && !hostPort.slice(0, colon).includes(':') ? hostPort.slice(0, colon) : hostPort;
}

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** "http" or "https" for a registry domain ("127.0.0.1:5000", "registry.example.com"). */
export function schemeFor(domain: string, policy: RegistryPolicy): 'http' | 'https' {
  const d = domain.toLowerCase();
  if (isLoopback(hostOf(d))) return 'http';
  return policy.insecure.includes(d) || policy.insecure.includes(hostOf(d)) ? 'http' : 'https';
}

/** May a URL the registry pointed us at (upload location, token realm) be used? Same rule as the registry itself. */
export function urlAllowed(url: URL, policy: RegistryPolicy): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  return schemeFor(url.host, policy) === 'http';
}

/** The API base for a registry domain; docker.io's API lives at registry-1.docker.io. */
export function registryBase(domain: string, policy: RegistryPolicy): URL {
  const host = domain === 'docker.io' ? 'registry-1.docker.io' : domain;
  return new URL(`${schemeFor(host, policy)}://${host}/`);
}
