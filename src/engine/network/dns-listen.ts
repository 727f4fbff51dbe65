// A DNS listener on one address, port 53, UDP and TCP (a client retries over
// TCP when an answer is truncated). TCP messages carry a two-byte length
// prefix (RFC 1035 4.2.2); a connection may send several queries.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';

export type Handler = (query: Buffer, source: string, tcp: boolean) => Promise<Buffer | undefined>;

export interface Listener { close(): void }

export async function listenDns(address: string, handle: Handler): Promise<Listener> {
  const udp: Socket = createSocket('udp4');
  udp.on('message', (msg, from) => {
    handle(msg, from.address, false).then((r) => { if (r?.length) udp.send(r, from.port, from.address); }, () => {});
  });
  const tcp: Server = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.setTimeout(10_000, () => conn.destroy());
    conn.on('error', () => conn.destroy());
    conn.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const q = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + q.length);
        handle(q, conn.remoteAddress?.replace(/^::ffff:/, '') ?? '', true).then((r) => {
          if (!r?.length || conn.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(r.length);
          conn.write(Buffer.concat([len, r]));
        }, () => {});
      }
    });
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(53, address, () => { udp.off('error', reject); resolve(); }); }),
    new Promise<void>((resolve, reject) => { tcp.once('error', reject); tcp.listen(53, address, () => { tcp.off('error', reject); resolve(); }); }),
  ]).catch((e: unknown) => {
    try { udp.close(); } catch { /* not bound */ }
    tcp.close();
    throw e;
  });
  return { close: () => { udp.close(); tcp.close(); } };
}
