// A container's streams: attach (hijacked, with stdin), logs, wait with docker's
// conditions, resize, and stats (one-shot and streamed) in docker's JSON shape.
import type { AttachConnection } from '../engine/container/index.js';
import { BerthError, type StatsSample } from '../engine/index.js';
import { badRequest } from './errors.js';
import { qbool, qint, readBody, sendEmpty, type Ctx } from './http.js';
import type { Router } from './router.js';
import { OutputSink, openStream, readClient, writeLogRecords } from './stream.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTime(v: string | null): Date | undefined {
  if (!v || v === '0') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw badRequest(`invalid timestamp ${v}`);
  return new Date(n * 1000);
}

/** attach: output from now on (with a tty the screen's last KiB first); a client that
 * attached before the start (docker run) gets the output from the first byte, from the log.
 * Such a client is registered for the start, and holds the attach lock, before its "101"
 * goes out: the client sends its start once it has the 101, and the container may have run
 * and ended (and, with --rm, been removed by its monitor) by the time we would look again. */
async function attach(c: Ctx): Promise<void> {
  const cs = c.engine.containers;
  const rec = cs.find(c.params[0]);
  const tty = rec.config.tty;
  const want = { stdin: qbool(c.query, 'stdin') && rec.config.openStdin, stdout: qbool(c.query, 'stdout'), stderr: qbool(c.query, 'stderr') };

  const fromStart = !cs.state(rec).running;
  let entry: { stdin: boolean; started: (e?: unknown) => void } | undefined;
  let started: Promise<void> | undefined;
  if (fromStart) {
    started = new Promise<void>((resolve, reject) => {
      entry = { stdin: want.stdin, started: (e?: unknown) => (e ? reject(e) : resolve()) };
    });
    c.state.pendingAttach.set(rec.id, [...(c.state.pendingAttach.get(rec.id) ?? []), entry!]);
  }
  const unregister = () => {
    const left = (c.state.pendingAttach.get(rec.id) ?? []).filter((p) => p !== entry);
    if (left.length) c.state.pendingAttach.set(rec.id, left);
    else c.state.pendingAttach.delete(rec.id);
    entry?.started(); // a client gone before the start is no foreground client for it
  };

  // a session from now on: a resize before we are connected is kept for the connection
  let endSession!: () => void;
  const done = new Promise<void>((r) => (endSession = r));
  let conn: AttachConnection | undefined;
  c.state.addSession(rec.id, { resize: (rows: number, cols: number) => conn?.resize(rows, cols), done });
  let out: ReturnType<typeof openStream> | undefined;

  try {
    await cs.attached(rec.id, async () => {
      // a hijacking client may send a body too (dockerode sends its options as JSON): it is not stdin
      if (c.socket) await readBody(c);
      out = openStream(c, tty);
      const o = out;
      const sink = new OutputSink(o, tty);
      let clientGone = false;
      o.once('close', () => { clientGone = true; endSession(); unregister(); });
      if (started) {
        try {
          await started;
        } catch {
          return; // the start failed: its client has the error
        }
        if (clientGone) return;
      }
      try {
        conn = await cs.attach(rec.id);
      } catch (e) {
        // ended before or while we connected (NOT_RUNNING, or its monitor closing the socket as
        // we came: ECONNRESET): the log has the output
        let running = false;
        try { running = cs.state(cs.find(rec.id)).running; } catch { /* gone */ }
        if (running) throw e;
      }
      const size = c.state.ttySize.get(rec.id);
      if (tty && size) conn?.resize(size.rows, size.cols); // a resize that came before we connected
      const ac = new AbortController();
      o.once('close', () => { ac.abort(); conn?.close(); });
      const logOutput = !tty && fromStart;
      if (conn && !logOutput) {
        conn.onOutput((stream, data) => {
          if (stream === 'stdout' ? !want.stdout && !tty : !want.stderr) return;
          if (!sink.write(stream, data)) { conn!.pause(); void sink.drained().then(() => conn!.resume()); }
        });
      }
      const stopReading = want.stdin && conn
        ? readClient(c, (b) => { if (!conn!.write(b)) { void conn!.drained().then(() => c.socket?.resume()); return false; } }, () => { if (!tty) conn!.closeStdin(); })
        : () => {};
      // handled at once, not after conn.closed: a rejection left unhandled meanwhile (the
      // container removed under us, rm -f) would end the whole service
      const follow = logOutput
        ? writeLogRecords(sink, cs.logs(rec.id, { follow: true, pieces: true, signal: ac.signal }), { stdout: want.stdout, stderr: want.stderr }).catch(() => {})
        : undefined;
      if (conn) await conn.closed;
      await follow;
      stopReading();
    });
  } finally {
    if (entry) unregister();
    endSession();
    if (out && !out.destroyed) out.end();
  }
}

async function logs(c: Ctx): Promise<void> {
  const cs = c.engine.containers;
  const rec = cs.find(c.params[0]);
  const stdout = qbool(c.query, 'stdout'), stderr = qbool(c.query, 'stderr');
  if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
  const tailQ = c.query.get('tail');
  const tail = !tailQ || tailQ === 'all' ? undefined : Number(tailQ);
  if (tail !== undefined && !(Number.isInteger(tail) && tail >= 0)) throw badRequest(`invalid tail ${tailQ}`);
  const out = openStream(c, rec.config.tty);
  const ac = new AbortController();
  out.once('close', () => ac.abort());
  await writeLogRecords(new OutputSink(out, rec.config.tty), cs.logs(rec.id, {
    follow: qbool(c.query, 'follow'), tail, since: logTime(c.query.get('since')), until: logTime(c.query.get('until')), signal: ac.signal, pieces: true,
  }), { stdout, stderr, timestamps: qbool(c.query, 'timestamps') });
  out.end();
}

/** docker's wait conditions: not-running (default), next-exit, removed. */
async function waitFor(c: Ctx, ref: string, condition: string): Promise<number> {
  const cs = c.engine.containers;
  const rec = cs.find(ref);
  const id = rec.id;
  if (condition === 'next-exit') {
    const before = rec.run?.startedAt;
    for (;;) {
      const now = cs.find(id);
      if (now.run && now.run.startedAt !== before) break;
      await sleep(50);
    }
  }
  if (condition !== 'removed') {
    await c.state.sessionsDone(id);
    return cs.wait(id);
  }
  let code = 0;
  let collected = false;
  for (;;) {
    let cur;
    try { cur = cs.find(id); } catch (e) {
      if (!(e instanceof BerthError && e.code === 'NOT_FOUND')) throw e;
      if (collected) return code;
      // ran and went between two looks: the engine keeps the exit of a container it removed (--rm)
      return cs.wait(id).catch(() => code);
    }
    const st = cs.state(cur);
    if (!collected && (st.running || st.exit)) {
      await c.state.sessionsDone(id, 60_000);
      code = await cs.wait(id); // collects the exit; --rm removes it here
      collected = true;
    }
    await sleep(100);
  }
}

async function wait(c: Ctx): Promise<void> {
  const condition = c.query.get('condition') || 'not-running';
  if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw badRequest(`invalid condition: "${condition}"`);
  const res = c.res!;
  c.engine.containers.find(c.params[0]); // a missing container is a 404 before the headers go
  // the headers at once: clients wait for them before they start the container
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  try {
    const code = await waitFor(c, c.params[0], condition);
    res.end(JSON.stringify({ StatusCode: code, Error: null }) + '\n');
  } catch (e) {
    res.end(JSON.stringify({ StatusCode: -1, Error: { Message: (e as Error).message } }) + '\n');
  }
}

function resize(c: Ctx): void {
  const h = qint(c.query, 'h'), w = qint(c.query, 'w');
  if (!h || !w) throw badRequest('bad parameter: h and w must be positive numbers');
  const rec = c.engine.containers.find(c.params[0]);
  if (!c.engine.containers.state(rec).running) throw new BerthError('CONFLICT', `Container ${rec.id} is not running`);
  c.state.ttySize.set(rec.id, { rows: h, cols: w });
  const sessions = c.state.sessions.get(rec.id);
  if (sessions?.size) for (const s of sessions) s.resize?.(h, w);
  // a client of ours about to connect applies it then; with none, a short connection carries it
  else if (!c.state.pendingAttach.has(rec.id)) return void resizeThroughMonitor(c, rec.id, h, w).then(() => sendEmpty(c, 200));
  sendEmpty(c, 200);
}

/** With no session of ours open: one short connection carries the resize. */
async function resizeThroughMonitor(c: Ctx, id: string, rows: number, cols: number): Promise<void> {
  const conn = await c.engine.containers.attach(id);
  conn.resize(rows, cols);
  await conn.drained();
  conn.close();
}

/** One sample in docker's stats JSON (cgroup-agnostic fields; `pre`: the previous sample). */
export function statsJson(s: StatsSample, pre: StatsSample | undefined): Record<string, unknown> {
  const cpu = (x: StatsSample | undefined) => ({
    cpu_usage: { total_usage: x?.cpu?.usageNs ?? 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
    system_cpu_usage: x?.cpu?.systemNs ?? 0,
    online_cpus: x?.cpu?.onlineCpus ?? 0,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  });
  const iface = s.net?.interfaces[0] ?? 'eth0';
  return {
    read: new Date(s.at).toISOString(),
    preread: pre ? new Date(pre.at).toISOString() : '0001-01-01T00:00:00Z',
    id: s.id,
    name: `/${s.name}`,
    pids_stats: s.pids === null ? {} : { current: s.pids },
    blkio_stats: {
      io_service_bytes_recursive: s.blockIo ? [
        { major: 0, minor: 0, op: 'read', value: s.blockIo.read },
        { major: 0, minor: 0, op: 'write', value: s.blockIo.write },
      ] : null,
    },
    num_procs: 0,
    cpu_stats: cpu(s),
    precpu_stats: cpu(pre),
    memory_stats: s.memory ? { usage: s.memory.used, limit: s.memory.limit, stats: {} } : {},
    ...(s.net ? { networks: { [iface]: { rx_bytes: s.net.rx, tx_bytes: s.net.tx, rx_packets: 0, tx_packets: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 } } } : {}),
  };
}

async function stats(c: Ctx): Promise<void> {
  const cs = c.engine.containers;
  const rec = cs.find(c.params[0]);
  const stream = qbool(c.query, 'stream', true);
  const oneShot = qbool(c.query, 'one-shot');
  const res = c.res!;
  if (!cs.state(rec).running) {
    // docker: a stopped container's stats are zeros, one object when not streaming
    const zero: StatsSample = { id: rec.id, name: rec.name, running: false, at: Date.now(), cpu: null, memory: null, pids: null, blockIo: null, net: null };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(statsJson(zero, undefined)) + '\n');
    return;
  }
  const ac = new AbortController();
  res.once('close', () => ac.abort());
  res.writeHead(200, { 'Content-Type': 'application/json' });
  let pre: StatsSample | undefined;
  for await (const s of c.engine.stats().stream(rec.id, ac.signal)) {
    // not streaming: docker answers with the second reading, so CPU % has a base
    if (!stream && !oneShot && !pre) { pre = s; continue; }
    const line = JSON.stringify(statsJson(s, pre)) + '\n';
    pre = s;
    if (!stream) { res.end(line); return; }
    res.write(line);
  }
  res.end();
}

export function containerIoRoutes(r: Router): void {
  r.add('POST', '/containers/{id}/attach', attach);
  r.add('GET', '/containers/{id}/logs', logs);
  r.add('POST', '/containers/{id}/wait', wait);
  r.add('POST', '/containers/{id}/resize', resize);
  r.add('GET', '/containers/{id}/stats', stats);
}
