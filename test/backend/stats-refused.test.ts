// An endpoint that refuses stats (podman says so for a rootless user without
// cgroup v2) is told apart from one that simply has none yet: the refusal's own
// words are kept for the stats tab, once, instead of an error per second. The
// endpoint here is a socket that answers the stats request as such an engine does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DockerBackend } from '../../src/backend/index.js';

test('a refused stats stream is said, not retried', async () => {
  const dir = mkdtempSync('/tmp/berth-test-stats-');
  const sock = join(dir, 'api.sock');
  let asked = 0;
  const server = createServer((req, res) => {
    if (/\/containers\/c1\/stats/.test(req.url ?? '')) asked++;
    res.writeHead(409, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'container stats resource only available for cgroup v2' }));
  });
  await new Promise<void>((r) => server.listen(sock, r));
  const b = new DockerBackend({ name: 'refusing', dockerHost: `unix://${sock}` });
  try {
    const got: unknown[] = [];
    const off = b.stats().subscribe('c1', (s) => got.push(s));
    for (let i = 0; i < 50 && !b.stats().unavailable('c1'); i++) await new Promise((r) => setTimeout(r, 20));
    assert.match(b.stats().unavailable('c1') ?? '', /only available for cgroup v2/);
    await new Promise((r) => setTimeout(r, 1200)); // a tick: nothing delivered, nothing asked again
    assert.equal([got.length, asked], [0, 1]);
    off();
    assert.equal(b.stats().unavailable('c1'), undefined, 'forgotten with its last subscriber');
  } finally {
    b.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
