// `berth exec [-d] [-i] [-t] [-e] [-u] [-w] CONTAINER COMMAND [ARG...]`: a process inside a
// running container; berth's exit status is the command's (126/127 when it cannot run).
import type { Argv, CommandModule } from 'yargs';
import { getBackend, type GlobalArgs } from '../context.js';
import type { Backend } from '../../backend/index.js';
import { embeddedOnly } from '../endpoint-flags.js';
import { commandTail, type TailVerb } from '../argv-split.js';
import { ExitStatus } from '../exit-codes.js';
import { ourTtySize, requireTerminal, runSession } from '../attach-session.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../detach-keys.js';
import { invalid } from '../../engine/errors.js';
import { readEnvFiles } from '../env-file.js';
import { writeRecords } from '../log-output.js';

interface ExecArgs extends GlobalArgs {
  container: string;
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  'env-file'?: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  'detach-keys'?: string;
}

export const execTail: TailVerb = { valueFlags: new Set(['env', 'e', 'env-file', 'user', 'u', 'workdir', 'w', 'detach-keys']) };

export const execCommand: CommandModule<GlobalArgs, ExecArgs> = {
  command: 'exec <container> [command..]',
  describe: 'Execute a command in a running container',
  builder: (y) => (y as Argv<GlobalArgs>)
    .option('detach', { alias: 'd', type: 'boolean', describe: 'detached mode: run the command in the background' })
    .option('interactive', { alias: 'i', type: 'boolean', describe: 'keep STDIN open even if not attached' })
    .option('tty', { alias: 't', type: 'boolean', describe: 'allocate a pseudo-TTY' })
    .option('env', { alias: 'e', type: 'string', array: true, nargs: 1, describe: 'set environment variables' })
    .option('env-file', { type: 'string', array: true, nargs: 1, describe: 'read environment variables from a file' })
    .option('user', { alias: 'u', type: 'string', describe: 'username or UID (format: name|uid[:group|gid])' })
    .option('workdir', { alias: 'w', type: 'string', describe: 'working directory inside the container' })
    .option('privileged', { type: 'boolean', describe: 'give extended privileges to the command (every capability)' })
    .option('detach-keys', { type: 'string', describe: `key sequence for detaching (default "${DEFAULT_DETACH_KEYS}")` }) as never,
  handler: async (a) => {
    const b = getBackend(a);
    const cmd = commandTail();
    if (!cmd.length) throw invalid('exec needs a command: berth exec CONTAINER COMMAND [ARG...]');
    const detachKeys = parseDetachKeys(a['detach-keys'] ?? DEFAULT_DETACH_KEYS);
    requireTerminal(a);
    const env = [...readEnvFiles(a['env-file'] ?? []), ...(a.env ?? [])].map((e) => (e.includes('=') ? e : process.env[e] !== undefined ? `${e}=${process.env[e]}` : e));
    if (!b.embedded) return execOnEndpoint(b, a, cmd, env, detachKeys);
    const c = b.embedded.containers;
    const er = c.exec(a.container, {
      cmd, tty: a.tty, interactive: a.interactive && !a.detach, env, user: a.user, workingDir: a.workdir,
      privileged: a.privileged, ttySize: a.tty ? ourTtySize() : undefined,
      foreground: a.detach ? undefined : { stdin: !!a.interactive },
    });
    if (a.detach) return; // its monitor records the exit; nothing waits here
    const code = await followExec(c, er, detachKeys);
    if (code === 'detached') return;
    if (code !== 0) throw new ExitStatus(code);
  },
};

/** On an endpoint: the exec's hijacked stream carries its output (stdout and stderr apart
 * without a tty) and our stdin; its exit code is the daemon's record. */
async function execOnEndpoint(b: Backend, a: ExecArgs, cmd: string[], env: string[], detachKeys: number[]): Promise<void> {
  if (a.detach) embeddedOnly(b, '"exec --detach"');
  const c = b.containers;
  const er = await c.exec(a.container, {
    cmd, tty: a.tty, interactive: a.interactive, env, user: a.user, workingDir: a.workdir, privileged: a.privileged,
    ttySize: a.tty ? ourTtySize() : undefined,
  });
  const conn = await c.execAttach(er);
  const how = await runSession(conn, { tty: !!a.tty, stdin: !!a.interactive, output: true, detachKeys });
  if (how === 'detached') return void process.stderr.write('read escape sequence\n');
  conn.close();
  const code = await c.execWait(er, { forget: true });
  if (code !== 0) throw new ExitStatus(code);
}

type Containers = NonNullable<Backend['embedded']>['containers'];
type Exec = ReturnType<Containers['exec']>;

/** With a tty: the terminal through the exec's monitor. Without: its log for the output (whole
 * from the first byte, stdout and stderr apart) and the socket for stdin. */
async function followExec(c: Containers, er: Exec, detachKeys: number[]): Promise<number | 'detached'> {
  const conn = await c.execAttach(er).catch(() => undefined); // ended already: the log has it all
  const ac = new AbortController();
  const output = er.tty ? undefined : writeRecords(c.execOutput(er, ac.signal));
  if (conn) {
    const how = await runSession(conn, { tty: er.tty, stdin: er.openStdin, output: er.tty, detachKeys });
    if (how === 'detached') {
      ac.abort();
      await output?.catch(() => {});
      process.stderr.write('read escape sequence\n');
      return 'detached';
    }
    conn.close();
  }
  await output;
  return c.execWait(er, { forget: true });
}
