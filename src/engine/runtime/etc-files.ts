// The per-container /etc/hostname, /etc/hosts and /etc/resolv.conf, written
// next to the container record and bind-mounted into its root (so they never
// land in a layer, and `docker cp`-style edits of them survive restarts).
import { existsSync, readFileSync } from 'node:fs';
import { atomicWriteFile } from '../store/atomic.js';
import type { ContainerPaths } from '../store/layout.js';
import type { ContainerRecord } from '../container/types.js';
import { invalid } from '../errors.js';

/** What Docker writes for a container whose network has no address (loopback only): the
 * loopback and IPv6 multicast names, and no line for the hostname (it has no IP to map). */
export const LOOPBACK_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
].join('\n') + '\n';

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z (in any spelling). */
export function isLoopbackAddress(addr: string): boolean {
  const a = addr.replace(/%.*$/, ''); // zone id
  if (/^127\.\d+\.\d+\.\d+$/.test(a)) return true;
  if (!a.includes(':')) return false;
  let host: string;
  try {
    host = new URL(`http://[${a}]/`).hostname; // WHATWG URL canonicalizes IPv6
  } catch {
    return false;
  }
  return host === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host);
}

const NAMESERVER = /^\s*nameserver\s+(\S+)/;

/** The host's resolv.conf minus loopback nameservers (a resolver on the host's loopback is not
 * reachable from the container's own network namespace). Other lines (search, options) stay.
 * When no nameserver remains the list stays empty: the container has only loopback anyway. */
export function filterResolvConf(text: string): string {
  const kept = text.split('\n').filter((line) => {
    const m = NAMESERVER.exec(line);
    return !m || !isLoopbackAddress(m[1]);
  });
  const out = kept.join('\n').replace(/\n*$/, '\n');
  return out === '\n' ? '' : out;
}

const nameservers = (text: string): string[] =>
  text.split('\n').map((l) => NAMESERVER.exec(l)?.[1]).filter((s): s is string => !!s);

/** The host's resolver configuration. On systemd-resolved hosts /etc/resolv.conf names only the
 * 127.0.0.53 stub: like Docker, use the upstream list resolved keeps in /run/systemd/resolve. */
export function hostResolvConf(): string {
  let text = '';
  try {
    text = readFileSync('/etc/resolv.conf', 'utf8');
  } catch { /* no resolver configured on the host */ }
  const upstream = '/run/systemd/resolve/resolv.conf';
  const ns = nameservers(text);
  if (ns.length && ns.every((n) => n === '127.0.0.53') && existsSync(upstream)) {
    try {
      text = readFileSync(upstream, 'utf8');
    } catch { /* keep the stub's file */ }
  }
  return text;
}

/** --add-host NAME:IP (or NAME=IP) as a hosts line. */
export function extraHostLine(spec: string): string {
  const m = /^([^:=\s]+)[:=](\S+)$/.exec(spec);
  if (!m) throw invalid(`invalid argument "${spec}" for "--add-host" flag: expected NAME:IP`);
  return `${m[2].replace(/^\[(.*)\]$/, '$1')}\t${m[1]}`;
}

/** The host's resolver configuration with --dns, --dns-search and --dns-option replacing
 * its nameserver, search and options lines (docker's rule: each flag replaces its kind).
 * `resolvers`: the network's own resolver (user-defined networks), in place of the host's
 * nameservers and of --dns (the resolver forwards to those, as docker's embedded DNS). */
export function containerResolvConf(host: string, o: { dns?: string[]; dnsSearch?: string[]; dnsOptions?: string[] }, resolvers?: string[]): string {
  let lines = filterResolvConf(host).split('\n').filter(Boolean);
  const replace = (kind: RegExp, values: string[] | undefined, render: (v: string[]) => string[]): void => {
    if (!values?.length) return;
    lines = [...lines.filter((l) => !kind.test(l)), ...render(values)];
  };
  replace(/^\s*nameserver\s/, resolvers?.length ? resolvers : o.dns, (v) => v.map((d) => `nameserver ${d}`));
  replace(/^\s*(search|domain)\s/, o.dnsSearch, (v) => (v.length === 1 && v[0] === '.' ? [] : [`search ${v.join(' ')}`]));
  replace(/^\s*options\s/, o.dnsOptions, (v) => [`options ${v.join(' ')}`]);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** `own`: the container's addresses as hosts lines ("IP\tHOSTNAME"), written at start once known;
 * `resolvers`: its network's resolver, if that network resolves names. */
export function writeEtcFiles(paths: ContainerPaths, record: ContainerRecord, own: string[] = [], resolvers?: string[]): void {
  // rebuilt at every start: a crash stops the container that uses them, so no fsync
  const rebuilt = { durable: false };
  const net = record.config.network;
  const extra = (net?.extraHosts ?? []).map(extraHostLine);
  atomicWriteFile(paths.hostname, `${record.config.hostname}\n`, 0o644, rebuilt);
  atomicWriteFile(paths.hosts, LOOPBACK_HOSTS + [...extra, ...own].map((l) => `${l}\n`).join(''), 0o644, rebuilt);
  atomicWriteFile(paths.resolvConf, containerResolvConf(hostResolvConf(), net ?? {}, resolvers), 0o644, rebuilt);
}
