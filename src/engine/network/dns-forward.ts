// Passing a query on to the host's resolvers: the nameservers of the
// /etc/resolv.conf that berth itself sees (the resolver runs in berth's own
// network and mount namespaces, so a loopback stub such as 127.0.0.53 is
// reachable from here, unlike from a container). Read at every query, as
// glibc re-reads a changed resolv.conf. UDP queries go out over UDP, TCP ones
// over TCP; each server is tried in turn, as a stub resolver would. A container
// started with --dns has its own servers instead (the endpoint's DNSServers).
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { hostResolvConf } from '../runtime/etc-files.js';

const TIMEOUT_MS = 2000;

/** The host's nameservers, minus `self` (the resolvers' own addresses: no loops). */
export function upstreamServers(self: Set<string>): string[] {
  return hostResolvConf().split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => !!s && !self.has(s))
    .map((s) => s.replace(/%.*$/, ''));
}

function viaUdp(server: string, query: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(server) ? 'udp6' : 'udp4');
    let finished = false;
    const done = (r: Buffer | undefined): void => {
      if (finished) return; // a send error and the timer may both come
      finished = true;
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => done(undefined), TIMEOUT_MS);
    sock.on('error', () => done(undefined));
    // only the answer to this query (same id) from the server asked
    sock.on('message', (msg, from) => {
      if (from.address === server && msg.length >= 2 && msg.readUInt16BE(0) === query.readUInt16BE(0)) done(msg);
    });
    sock.send(query, 53, server, (e) => { if (e) done(undefined); });
  });
}

function viaTcp(server: string, query: Buffer): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: server, port: 53 });
    let got = Buffer.alloc(0);
    const done = (r: Buffer | undefined): void => {
      sock.destroy();
      resolve(r);
    };
    sock.setTimeout(TIMEOUT_MS, () => done(undefined));
    sock.on('error', () => done(undefined));
    sock.on('end', () => done(undefined));
    sock.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) done(got.subarray(2, 2 + got.readUInt16BE(0)));
    });
    const len = Buffer.alloc(2);
    len.writeUInt16BE(query.length);
    sock.write(Buffer.concat([len, query]));
  });
}

/** The first upstream answer, or undefined when none answered. `servers`: the querier's own
 * (--dns) instead of the host's. */
export async function forwardQuery(query: Buffer, tcp: boolean, self: Set<string>, servers = upstreamServers(self)): Promise<Buffer | undefined> {
  if (query.length < 2) return undefined;
  for (const server of servers.filter((s) => !self.has(s))) {
    const r = await (tcp ? viaTcp : viaUdp)(server, query);
    if (r) return r;
  }
  return undefined;
}
