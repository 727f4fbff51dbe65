// docker's -p/--publish: [HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/tcp|udp],
// one binding per container port (docker's nat.ParsePortSpec): equal ranges
// pair up one to one, a host range with one container port is a pool the
// start picks a free port from, and a missing host port is chosen at start
// (a free one in berth's namespace). --expose and -P (every exposed port
// published on a chosen host port) use the same "PORT[-END][/PROTO]" form.
// The listing formats are docker's too (ps's PORTS groups, port's lines).
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { invalid } from '../errors.js';
import { parseIp } from './cidr.js';

export interface PortBinding {
  /** "" = every address of the host. */
  hostIp: string;
  /** 0 = chosen at start. */
  hostPort: number;
  /** A host range given for one container port ("8000-8010:80"): hostPort..hostPortEnd is the
   * pool the start picks from. Absent once chosen. */
  hostPortEnd?: number;
  containerPort: number;
  proto: 'tcp' | 'udp';
}

type Proto = PortBinding['proto'];

function range(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!(lo >= 1 && hi <= 65535)) throw invalid(`invalid ${what} ${spec}: invalid port "${s}"`);
  if (hi < lo) throw invalid(`invalid ${what} ${spec}: invalid range "${s}" (the end is below the start)`);
  return [lo, hi];
}

function protocol(p: string, what: string, spec: string): Proto {
  if (p !== 'tcp' && p !== 'udp') throw invalid(`invalid ${what} ${spec}: the protocol is tcp or udp`);
  return p;
}

/** One -p value: a binding per container port. */
export function parsePublish(spec: string): PortBinding[] {
  const [addr, proto = 'tcp', extra] = spec.split('/');
  if (extra !== undefined) throw invalid(`invalid -p ${spec}: the protocol is tcp or udp`);
  const p = protocol(proto, '-p', spec);
  const parts = addr.split(':');
  if (parts.length > 3) throw invalid(`invalid -p ${spec}: expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO] (IPv4 only)`);
  const [cLo, cHi] = range(parts[parts.length - 1], '-p', spec);
  const host = parts.length >= 2 && parts[parts.length - 2] !== '' ? range(parts[parts.length - 2], '-p', spec) : undefined;
  const hostIp = parts.length === 3 ? parts[0] : '';
  if (hostIp && parseIp(hostIp) === undefined) throw invalid(`invalid -p ${spec}: "${hostIp}" is not an IPv4 address`);
  const ip = hostIp === '0.0.0.0' ? '' : hostIp;
  if (host && host[1] - host[0] !== cHi - cLo) {
    if (cHi !== cLo) throw invalid(`invalid -p ${spec}: invalid ranges specified for container and host ports: ${cLo}-${cHi} and ${host[0]}-${host[1]}`);
    return [{ hostIp: ip, hostPort: host[0], hostPortEnd: host[1], containerPort: cLo, proto: p }];
  }
  return Array.from({ length: cHi - cLo + 1 }, (_, i) => ({ hostIp: ip, hostPort: host ? host[0] + i : 0, containerPort: cLo + i, proto: p }));
}

/** --expose and the image's EXPOSE: "80", "53/udp", "8000-8002" → ["80/tcp", ...]. */
export function parseExpose(spec: string, what = '--expose'): string[] {
  const [ports, proto = 'tcp', extra] = spec.split('/');
  if (extra !== undefined) throw invalid(`invalid ${what} ${spec}: the protocol is tcp or udp`);
  const p = protocol(proto.toLowerCase(), what, spec);
  const [lo, hi] = range(ports, what, spec);
  return Array.from({ length: hi - lo + 1 }, (_, i) => `${lo + i}/${p}`);
}

/** -P: a binding on a chosen host port for every exposed port that -p does not publish. */
export function publishAll(exposed: string[], ports: PortBinding[]): PortBinding[] {
  const extra = exposed.filter((e) => !ports.some((p) => `${p.containerPort}/${p.proto}` === e)).map((e) => {
    const [n, proto] = e.split('/');
    return { hostIp: '', hostPort: 0, containerPort: Number(n), proto: proto as Proto };
  });
  return [...ports, ...extra];
}

/** Can something bind this port now? (0: any; the kernel's choice is returned.) */
export async function bindable(proto: Proto, hostIp: string, port: number): Promise<number | undefined> {
  const host = hostIp || '0.0.0.0';
  try {
    if (proto === 'udp') {
      const s = createSocket('udp4');
      await new Promise<void>((res, rej) => s.once('error', rej).bind(port, host, () => res()));
      const p = s.address().port;
      s.close();
      return p;
    }
    const srv = createServer();
    await new Promise<void>((res, rej) => srv.once('error', rej).listen(port, host, () => res()));
    const p = (srv.address() as { port: number }).port;
    await new Promise((res) => srv.close(res));
    return p;
  } catch {
    return undefined;
  }
}

/** A port nothing listens on now, from the kernel's ephemeral range (docker's way for -p 80). */
export async function freePort(proto: Proto, hostIp: string): Promise<number> {
  const p = await bindable(proto, hostIp, 0);
  if (p === undefined) throw invalid(`no free ${proto} port on ${hostIp || '0.0.0.0'}`);
  return p;
}

/** docker's "0.0.0.0:8080->80/tcp". */
export function formatBinding(b: PortBinding): string {
  return `${b.hostIp || '0.0.0.0'}:${b.hostPort}->${b.containerPort}/${b.proto}`;
}

/** A port as docker's container list has it: published (ip, publicPort) or only exposed. */
export interface ListedPort { ip?: string; privatePort: number; publicPort?: number; proto: string }

/** The ports a running container lists: its bindings, and its exposed ports that have none. */
export function listedPorts(bindings: PortBinding[], exposed: string[]): ListedPort[] {
  const out: ListedPort[] = bindings.map((b) => ({ ip: b.hostIp || '0.0.0.0', privatePort: b.containerPort, publicPort: b.hostPort, proto: b.proto }));
  for (const e of exposed) {
    const [n, proto] = e.split('/');
    if (!bindings.some((b) => b.containerPort === Number(n) && b.proto === proto)) out.push({ privatePort: Number(n), proto });
  }
  return out;
}

/** docker's PORTS column (cli formatter DisplayablePorts): sorted; consecutive exposed ports, and
 * consecutive published ones whose host port equals the container port, collapse into ranges
 * ("8000-8002/tcp", "0.0.0.0:9000-9001->9000-9001/tcp"); other bindings follow one by one. */
export function displayPorts(ports: ListedPort[]): string {
  const sorted = [...ports].sort((a, b) => a.privatePort - b.privatePort || (a.ip ?? '').localeCompare(b.ip ?? '')
    || (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.proto.localeCompare(b.proto));
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const mappings: string[] = [];
  const form = (key: string, g: { first: number; last: number }): string => {
    const [ip, proto] = key.includes('/') ? key.split('/') : ['', key];
    const r = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`;
    return `${ip ? `${ip}:${r}->${r}` : r}/${proto}`;
  };
  for (const p of sorted) {
    let key = p.proto;
    if (p.ip) {
      if (p.publicPort !== p.privatePort) {
        mappings.push(`${p.ip}:${p.publicPort}->${p.privatePort}/${p.proto}`);
        continue;
      }
      key = `${p.ip}/${p.proto}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.privatePort, last: p.privatePort });
      order.push(key);
    } else if (p.privatePort === g.last + 1) {
      g.last = p.privatePort;
    } else {
      result.push(form(key, g));
      groups.set(key, { first: p.privatePort, last: p.privatePort });
    }
  }
  for (const key of order) result.push(form(key, groups.get(key)!));
  return [...result, ...mappings].join(', ');
}

/** docker's natural order (sortorder.NaturalLess) for `port`'s lines: digit runs compare as numbers. */
export function naturalLess(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = chunks(a), y = chunks(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const dx = /^\d/.test(x[i]), dy = /^\d/.test(y[i]);
    if (dx && dy) return Number(x[i]) - Number(y[i]) || x[i].length - y[i].length;
    return x[i] < y[i] ? -1 : 1;
  }
  return x.length - y.length;
}
