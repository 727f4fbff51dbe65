// The resolver's listener on a loopback address of the runner's namespace:
// UDP, and TCP with RFC 1035's length prefix — several queries on one
// connection, a query split across writes, answers in any order by id; a
// handler that answers nothing sends nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readlinkSync } from 'node:fs';
import { listenDns, type Listener } from '../../src/engine/network/dns-listen.js';

const ADDR = '127.0.0.78';
let listener: Listener;
const seen: string[] = [];

test.before(async () => {
  assert.is(process.env.BERTH_TEST_NETNS, readlinkSync('/proc/self/ns/net'), 'runs under test/run.js');
  // echo handler: the reply is "R" + the query, and nothing for a query of "drop"
  listener = await listenDns(ADDR, async (q, source, tcp) => {
    seen.push(`${tcp ? 'tcp' : 'udp'} ${source} ${q.toString()}`);
    return q.toString() === 'drop' ? undefined : Buffer.concat([Buffer.from('R'), q]);
  });
});

test.after(() => listener.close());

test('UDP: one datagram, one answer to its sender', async () => {
  const s = createSocket('udp4');
  const got = new Promise<string>((r) => s.once('message', (m) => r(m.toString())));
  s.send('drop', 53, ADDR);
  s.send('hello', 53, ADDR);
  assert.is(await got, 'Rhello');
  s.close();
  assert.ok(seen.includes('udp 127.0.0.1 hello'), seen.join());
});

test('TCP: length-prefixed, several per connection, split writes', async () => {
  const frame = (s: string) => { const b = Buffer.alloc(2 + s.length); b.writeUInt16BE(s.length); b.write(s, 2); return b; };
  const c = connect({ host: ADDR, port: 53 });
  let buf = Buffer.alloc(0);
  const replies: string[] = [];
  const done = new Promise<void>((r) => c.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      replies.push(buf.subarray(2, 2 + buf.readUInt16BE(0)).toString());
      buf = buf.subarray(2 + buf.readUInt16BE(0));
    }
    if (replies.length === 2) r();
  }));
  await new Promise<void>((r) => c.once('connect', r));
  const two = Buffer.concat([frame('one'), frame('drop'), frame('two')]);
  c.write(two.subarray(0, 4));
  await new Promise((r) => setTimeout(r, 20));
  c.write(two.subarray(4));
  await done;
  c.destroy();
  assert.equal(replies.sort(), ['Rone', 'Rtwo']);
});

test.run();
