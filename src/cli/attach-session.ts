// One interactive session on a container (`run -it`, `run -i`, `attach`, `start -ai`): our
// stdin to the container (detach keys recognised on a terminal), its output to our stdout/
// stderr, our window size to its tty. Ends when the container does, or on detach.
import type { AttachConnection, ContainerService } from '../engine/container/index.js';
import type { SessionConnection } from '../backend/index.js';
import { BerthError } from '../engine/index.js';
import { followOutput } from './follow.js';
import { DetachMatcher } from './detach-keys.js';
import { enterRawMode } from './terminal.js';

export interface SessionOptions {
  /** The container has a terminal: raw mode here, resizes there. */
  tty: boolean;
  /** Forward our stdin (-i; attach without --no-stdin). */
  stdin: boolean;
  /** Print the connection's output (false when the log is followed instead). */
  output: boolean;
  detachKeys: number[];
  /** Without a tty: our signals to the container (--sig-proxy). */
  proxySignal?: (sig: NodeJS.Signals) => void;
}

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as const;

export async function runSession(conn: SessionConnection, o: SessionOptions): Promise<'ended' | 'detached'> {
  const stdin = process.stdin, stdout = process.stdout;
  const keyboard = o.stdin && stdin.isTTY === true;
  // raw: ctrl-c, ctrl-z, ctrl-\ reach the container's terminal as bytes, not as our signals
  const term = o.tty && keyboard ? enterRawMode(() => conn.close()) : undefined;
  let finish: (how: 'ended' | 'detached') => void = () => {};
  const done = new Promise<'ended' | 'detached'>((resolve) => (finish = resolve));
  void conn.closed.then(() => finish('ended'));

  if (o.output) {
    conn.onOutput((s, data) => {
      const out = s === 'stderr' ? process.stderr : stdout;
      // back-pressure: a slow reader of our stdout slows the container, nothing piles up here
      if (!out.write(data)) {
        conn.pause();
        out.once('drain', () => conn.resume());
      }
    });
  }

  const resize = () => conn.resize(stdout.rows, stdout.columns);
  const sizeFollows = o.tty && stdout.isTTY === true;
  if (sizeFollows) {
    resize();
    stdout.on('resize', resize); // SIGWINCH
  }

  const matcher = new DetachMatcher(o.detachKeys);
  // back-pressure: while the container has not taken our last stdin, we read no more of ours
  const send = (data: Buffer) => {
    if (conn.write(data)) return;
    stdin.pause();
    void conn.drained().then(() => { if (!ended) stdin.resume(); });
  };
  let ended = false;
  const onData = (chunk: Buffer) => {
    if (!keyboard) return send(chunk);
    const { forward, detach } = matcher.feed(chunk);
    if (forward.length) send(forward);
    if (detach) finish('detached');
  };
  const onEnd = () => { if (!o.tty) conn.closeStdin(); };
  if (o.stdin) {
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  }
  const proxy = !o.tty && o.proxySignal;
  if (proxy) for (const s of PROXIED) process.on(s, proxy);

  try {
    const how = await done;
    if (how === 'detached') conn.close();
    return how;
  } finally {
    ended = true;
    term?.restore();
    if (sizeFollows) stdout.off('resize', resize);
    if (proxy) for (const s of PROXIED) process.off(s, proxy);
    if (o.stdin) {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.pause();
    }
  }
}

/** What `run -it`, `run -i`, `start -ai` and `attach` share: attach to the started container
 * `id`, run the session, and return its exit code, or 'detached'. Without a tty the output
 * comes from the log (complete from the first byte, stdout and stderr kept apart) and only
 * stdin goes through the socket. */
export async function attachAndWait(
  containers: ContainerService, id: string,
  o: { tty: boolean; stdin: boolean; detachKeys: number[]; sigProxy: boolean; logOutput: boolean },
): Promise<number | 'detached'> {
  let conn: AttachConnection | undefined;
  try {
    conn = await containers.attach(id);
  } catch (e) {
    // ended before we could attach: its output is in the log, its code in the exit file
    if (!(e instanceof BerthError && e.code === 'NOT_RUNNING')) throw e;
  }
  const kill = (sig: NodeJS.Signals) => { try { containers.kill(id, sig); } catch { /* gone */ } };
  const ac = new AbortController();
  const follow = o.logOutput ? followOutput(containers, id, { sigProxy: o.sigProxy, signal: ac.signal }) : undefined;
  if (!conn) return follow ?? containers.wait(id);
  const how = await runSession(conn, {
    tty: o.tty, stdin: o.stdin, output: !o.logOutput, detachKeys: o.detachKeys,
    proxySignal: !o.logOutput && o.sigProxy ? kill : undefined,
  });
  if (how === 'detached') {
    ac.abort();
    await follow?.catch(() => {});
    process.stderr.write('read escape sequence\n');
    return 'detached';
  }
  conn.close();
  return follow ?? containers.wait(id);
}

/** The terminal size to start a tty container with (ours, when stdout is a terminal). */
export function ourTtySize(): { rows: number; cols: number } | undefined {
  const out = process.stdout;
  return out.isTTY && out.rows > 0 && out.columns > 0 ? { rows: out.rows, cols: out.columns } : undefined;
}

/** docker: `-it` in the foreground needs a terminal on stdin (keys go to the container raw). */
export function requireTerminal(a: { tty?: boolean; interactive?: boolean; detach?: boolean }): void {
  if (a.tty && a.interactive && !a.detach && !process.stdin.isTTY) {
    throw new BerthError('INVALID_ARGUMENT', 'the input device is not a TTY: drop -t to pipe into the container');
  }
}
