// `run` on a Docker Engine API endpoint, as docker's CLI does it: the container is
// made (run.ts: the pull, --cidfile), then attached before it starts — its streams
// and the wait for its exit are asked first, so a command that ends at once (and,
// with --rm, is removed) is still seen whole — then started; the session is the one
// `exec` and the embedded engine's `run -it` use (attach-session.ts). docker's exit
// statuses: the container's code, 125 when the run itself fails, 126/127 when its
// command cannot run.
import type { Backend } from '../backend/index.js';
import { BerthError } from '../engine/index.js';
import { ExitStatus } from './exit-codes.js';
import { runSession } from './attach-session.js';
import { embeddedOnly } from './endpoint-flags.js';

export interface EndpointRunArgs {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  sigProxy: boolean;
  detachKeys: number[];
}

export async function runOnEndpoint(b: Backend, made: { id: string }, a: EndpointRunArgs): Promise<void> {
  const c = b.containers;
  if (a.detach) {
    await startOrDiscard(b, made.id, a);
    process.stdout.write(made.id + '\n');
    return;
  }
  if (!b.attachMain) embeddedOnly(b, '"run" in the foreground');
  // podman makes the container's process when it is attached: a command that cannot run fails here
  const main = await b.attachMain(made.id, { stdin: !!a.interactive, removed: !!a.rm }).catch(async (e: unknown) => {
    await discard(b, made.id, a);
    throw commandError(e);
  });
  try {
    await startOrDiscard(b, made.id, a);
  } catch (e) {
    main.conn.close();
    main.release?.();
    throw e;
  }
  const kill = (sig: NodeJS.Signals): void => { c.killByUser(made.id, sig).catch(() => { /* gone */ }); };
  const how = await runSession(main.conn, {
    tty: !!a.tty, stdin: !!a.interactive, output: true, detachKeys: a.detachKeys,
    // docker: a tty takes signals as keys, so --sig-proxy applies without one only
    proxySignal: !a.tty && a.sigProxy ? kill : undefined,
  });
  main.conn.close();
  if (how === 'detached') {
    main.release?.();
    return void process.stderr.write('read escape sequence\n');
  }
  // podman says a command that cannot start only here, once the attachment has ended
  const code = await main.wait().catch((e: unknown) => { throw commandError(e); });
  if (code !== 0) throw new ExitStatus(code);
}

/** Starts; a container whose start failed is removed again with --rm (the daemon's AutoRemove
 * covers only a container that ran), as one whose attach failed. */
async function startOrDiscard(b: Backend, id: string, a: EndpointRunArgs): Promise<void> {
  try {
    await b.containers.start(id);
  } catch (e) {
    await discard(b, id, a);
    throw commandError(e);
  }
}

async function discard(b: Backend, id: string, a: EndpointRunArgs): Promise<void> {
  if (a.rm) await b.containers.remove(id, { force: true, volumes: true }).catch(() => {});
}

/** docker's CLI reads the daemon's start error for its status: a command not found 127, one
 * that cannot be executed 126 (cli/command/container/run.go). */
function commandError(e: unknown): unknown {
  if (!(e instanceof BerthError)) return e;
  if (/executable file not found|no such file or directory/i.test(e.message)) return new BerthError('CMD_NOT_FOUND', e.message, { cause: e });
  if (/permission denied|is a directory/i.test(e.message)) return new BerthError('CMD_CANNOT_EXEC', e.message, { cause: e });
  return e;
}
