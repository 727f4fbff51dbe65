// docker's -p/--publish: [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/tcp|udp]. A
// missing host port is chosen at start (a free one in berth's namespace).
// Ranges are not supported yet and are refused.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { invalid } from '../errors.js';
import { parseIp } from './cidr.js';

export interface PortBinding {
  /** "" = every address of the host. */
  hostIp: string;
  /** 0 = chosen at start. */
  hostPort: number;
  containerPort: number;
  proto: 'tcp' | 'udp';
}

function port(s: string, spec: string): number {
  if (s.includes('-')) throw invalid(`invalid -p ${spec}: port ranges are not supported yet`);
  const n = /^\d{1,5}$/.test(s) ? Number(s) : NaN;
  if (!(n >= 1 && n <= 65535)) throw invalid(`invalid -p ${spec}: invalid port "${s}"`);
  return n;
}

export function parsePublish(spec: string): PortBinding {
  const [addr, proto = 'tcp', extra] = spec.split('/');
  if (extra !== undefined || (proto !== 'tcp' && proto !== 'udp')) throw invalid(`invalid -p ${spec}: the protocol is tcp or udp`);
  const parts = addr.split(':');
  if (parts.length > 3) throw invalid(`invalid -p ${spec}: expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTO] (IPv4 only)`);
  const containerPort = port(parts[parts.length - 1], spec);
  const hostPort = parts.length >= 2 && parts[parts.length - 2] !== '' ? port(parts[parts.length - 2], spec) : 0;
  const hostIp = parts.length === 3 ? parts[0] : '';
  if (hostIp && parseIp(hostIp) === undefined) throw invalid(`invalid -p ${spec}: "${hostIp}" is not an IPv4 address`);
  return { hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPort, containerPort, proto: proto as 'tcp' | 'udp' };
}

/** A port nothing listens on now, from the kernel's ephemeral range (docker's way for -p 80). */
export async function freePort(proto: 'tcp' | 'udp', hostIp: string): Promise<number> {
  const host = hostIp || '0.0.0.0';
  if (proto === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((res, rej) => s.once('error', rej).bind(0, host, () => res()));
    const p = s.address().port;
    s.close();
    return p;
  }
  const srv = createServer();
  await new Promise<void>((res, rej) => srv.once('error', rej).listen(0, host, () => res()));
  const p = (srv.address() as { port: number }).port;
  await new Promise((res) => srv.close(res));
  return p;
}

/** docker's "0.0.0.0:8080->80/tcp". */
export function formatBinding(b: PortBinding): string {
  return `${b.hostIp || '0.0.0.0'}:${b.hostPort}->${b.containerPort}/${b.proto}`;
}
