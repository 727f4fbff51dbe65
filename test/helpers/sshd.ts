// A throw-away OpenSSH server on a loopback port for the ssh:// endpoint tests: its own
// host key, a user key for root, a client config naming it (`Host berth-test`), all in
// one temp directory; `stop()` ends it and removes the directory. Nothing of the
// machine's ssh set-up is read or changed (only /run/sshd, sshd's privilege-separation
// directory, is made when missing, and removed again).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export interface Sshd {
  dir: string;
  port: number;
  /** ssh's arguments that make `berth-test` this server (for connectOptions' sshArgs) */
  clientArgs: string[];
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function keygen(path: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
}

async function listening(port: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((r) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); r(true); });
      c.once('error', () => r(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Starts sshd; `env` is what the remote session gets (sshd's SetEnv), e.g. PATH. */
export async function startSshd(env: Record<string, string>): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: scripts/setup.sh installs openssh-server`);
  const dir = mkdtempSync('/tmp/berth-test-sshd-');
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'user_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
  const port = await freePort();
  const setEnv = Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
  writeFileSync(join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'StrictModes no', 'UsePAM no', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'PrintMotd no', 'LogLevel ERROR',
    ...(setEnv ? [`SetEnv ${setEnv}`] : []), '',
  ].join('\n'));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, 'ssh_config'), [
    'Host berth-test', '  HostName 127.0.0.1', `  Port ${port}`, '  User root', `  IdentityFile ${join(dir, 'user_key')}`,
    '  IdentitiesOnly yes', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  BatchMode yes',
    '  LogLevel ERROR', '',
  ].join('\n'));
  const madeRunDir = !existsSync('/run/sshd');
  if (madeRunDir) mkdirSync('/run/sshd', { mode: 0o755 });
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (b) => (log += b));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    if (madeRunDir) try { rmdirSync('/run/sshd'); } catch { /* another sshd made it its own meanwhile */ }
  };
  if (!(await listening(port, 10_000))) {
    await stop();
    throw new Error(`sshd did not listen: ${log}`);
  }
  return { dir, port, clientArgs: ['-F', join(dir, 'ssh_config')], stop };
}

/** Processes whose command line mentions `text` (what a test must not leave running). */
export function processesMentioning(text: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n) && n !== String(process.pid))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(text)) out.push(`${pid}: ${cmd.trim()}`);
    } catch { /* gone */ }
  }
  return out;
}
