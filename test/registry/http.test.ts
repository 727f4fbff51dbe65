// The retry rule of the registry's HTTP layer, in process against node:http
// servers on 127.0.0.1: 5xx answers and refused connections are retried with
// backoff (streamed bodies reopened for each attempt); 4xx are not; after the
// last attempt the caller gets the answer or a one-line error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { Readable } from 'node:stream';
import { readBody, sendWithRetry } from '../../src/engine/registry/http.js';
import { BerthError } from '../../src/engine/errors.js';
import { freePort } from '../helpers/registry.js';

async function serve(handler: http.RequestListener): Promise<{ url: URL; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
  return { url, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

test('503 twice, then 200: three attempts, the streamed body reopened and sent whole each time', async () => {
  const bodies: string[] = [];
  const s = await serve((req, res) => {
    let b = '';
    req.on('data', (c) => { b += c; });
    req.on('end', () => {
      bodies.push(b);
      if (bodies.length < 3) res.writeHead(503).end('busy');
      else res.writeHead(201).end('ok');
    });
  });
  try {
    let opened = 0;
    const res = await sendWithRetry({ method: 'PUT', url: s.url, body: () => { opened++; return Readable.from([Buffer.from('hello '), Buffer.from('blob')]); }, length: 10 });
    assert.is(res.status, 201);
    assert.is((await readBody(res)).toString(), 'ok');
    assert.is(opened, 3);
    assert.equal(bodies, ['hello blob', 'hello blob', 'hello blob']);
  } finally {
    await s.close();
  }
});

test('4xx is an answer, not retried; a 500 that persists is returned after 4 attempts', async () => {
  let n = 0;
  const s = await serve((req, res) => { n++; res.writeHead(req.url === '/missing' ? 404 : 500).end(); });
  try {
    const r404 = await sendWithRetry({ method: 'GET', url: new URL('/missing', s.url) });
    assert.is(r404.status, 404);
    assert.is(n, 1);
    r404.body.resume();
    const r500 = await sendWithRetry({ method: 'GET', url: new URL('/broken', s.url) });
    assert.is(r500.status, 500);
    assert.is(n, 5);
    r500.body.resume();
  } finally {
    await s.close();
  }
});

test('a refused connection is retried, then reported as one line naming the registry', async () => {
  const port = await freePort(); // nothing listens there
  const started = Date.now();
  const e = await sendWithRetry({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v2/`) }).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof BerthError, String(e));
  assert.match((e as BerthError).message, new RegExp(`GET http://127.0.0.1:${port}/v2/: ECONNREFUSED`));
  assert.ok(Date.now() - started >= 200 + 400 + 800, 'backed off between the attempts');
});

test.run();
