// ssh://[USER@]HOST[:PORT][/PATH] endpoints, as docker's connection helper does it
// (cli/connhelper): the system's `ssh` runs `docker system dial-stdio` on the remote
// and its stdin/stdout carry the HTTP connection. docker-modem has an ssh mode of its
// own (ssh2, in-process), not used: ssh2 reads no ~/.ssh/config (Host aliases, ports,
// IdentityFile, ProxyJump), checks no known_hosts unless handed a verifier, needs the
// key given explicitly, and makes a new handshake for every request. The system client
// honours everything the user's ssh already does, as docker's CLI does. One ssh
// process per HTTP connection; the agent keeps connections alive between requests.
// The remote command is docker's; where the remote has no docker CLI, berth's own
// `berth system dial-stdio` (the same verb) answers instead.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { Duplex } from 'node:stream';
import { BerthError } from '../engine/index.js';

export interface SshSpec { user?: string; host: string; port?: string; path?: string }

/** docker's ssh URL rules (connhelper/ssh.ParseURL), in docker's words. */
export function parseSshUrl(raw: string): SshSpec {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new BerthError('INVALID_ARGUMENT', `invalid ssh host ${JSON.stringify(raw)}`);
  }
  if (u.protocol !== 'ssh:') throw new BerthError('INVALID_ARGUMENT', `expected scheme ssh, got "${u.protocol.replace(/:$/, '')}"`);
  if (u.password) throw new BerthError('INVALID_ARGUMENT', 'plain-text password is not supported');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new BerthError('INVALID_ARGUMENT', 'no host specified');
  if (u.search) throw new BerthError('INVALID_ARGUMENT', `extra query after the host: "${u.search.slice(1)}"`);
  if (u.hash) throw new BerthError('INVALID_ARGUMENT', `extra fragment after the host: "${u.hash.slice(1)}"`);
  return { user: u.username ? decodeURIComponent(u.username) : undefined, host, port: u.port || undefined, path: u.pathname && u.pathname !== '/' ? decodeURIComponent(u.pathname) : undefined };
}

/** A word for the remote shell, single-quoted: a context's path never becomes shell syntax there. */
const quote = (w: string): string => (/^[A-Za-z0-9_./:=@-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The ssh argv for one connection: docker's flags (-o ConnectTimeout=30 -T), `--` before the host. */
export function sshArgs(spec: SshSpec, extra: string[] = []): string[] {
  const args = [...extra, '-o', 'ConnectTimeout=30', '-T'];
  if (spec.user) args.push('-l', spec.user);
  if (spec.port) args.push('-p', spec.port);
  const hostFlag = spec.path ? ` --host ${quote(`unix://${spec.path}`)}` : '';
  const remote = `command -v docker >/dev/null 2>&1 && exec docker${hostFlag} system dial-stdio || exec berth${hostFlag} system dial-stdio`;
  // the host after `--`: a host named "-oProxyCommand=..." is a host, never an option
  args.push('--', spec.host, remote);
  return args;
}

/** The ssh child's stdout and stdin as one socket-like stream for node:http. */
class CommandConn extends Duplex {
  private stderr = '';
  private idle?: NodeJS.Timeout;
  private idleMs = 0;

  constructor(private readonly child: ChildProcess) {
    super({ allowHalfOpen: true });
    child.stdout!.on('data', (b: Buffer) => {
      this.touch();
      if (!this.push(b)) child.stdout!.pause();
    });
    child.stderr!.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString()).slice(-2000); });
    child.stdin!.on('error', () => { /* the close below reports it */ });
    child.on('error', (e) => this.destroy(new BerthError('UNSUPPORTED', `cannot run ssh: ${e.message}`)));
    // the end of the stream waits for ssh's status ('close': exited, pipes drained): a refused
    // connection (bad key, unknown host, no docker there) is an error with ssh's reason, not an
    // empty reply ("socket hang up")
    child.on('close', (code) => {
      if (this.destroyed) return;
      if (code) {
        const why = this.stderr.trim().split('\n').pop() || `ssh exited with status ${code}`;
        this.destroy(new Error(`ssh connection failed: ${why}`));
      } else {
        this.push(null);
      }
    });
  }

  override _read(): void { this.child.stdout!.resume(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.touch();
    this.child.stdin!.write(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void { this.child.stdin!.end(cb); }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    clearTimeout(this.idle);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    cb(err);
  }

  // node:http's agent treats its connections as sockets: keep-alive and refs apply to the
  // ssh process (an idle kept connection must not keep node running), the idle timeout
  // is the agent's own (a socket's, here counted on the pipe's traffic)
  setKeepAlive(): this { return this; }
  setNoDelay(): this { return this; }
  ref(): this {
    this.child.ref();
    (this.child.stdout as unknown as { ref?: () => void }).ref?.();
    (this.child.stdin as unknown as { ref?: () => void }).ref?.();
    return this;
  }
  unref(): this {
    this.child.unref();
    (this.child.stdout as unknown as { unref?: () => void }).unref?.();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
    return this;
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.idleMs = ms;
    if (cb) this.once('timeout', cb);
    this.touch();
    return this;
  }
  private touch(): void {
    clearTimeout(this.idle);
    if (this.idleMs > 0) this.idle = setTimeout(() => this.emit('timeout'), this.idleMs).unref();
  }
}

/** An http.Agent whose every connection is an ssh process running dial-stdio on the remote. */
export function sshAgent(spec: SshSpec, opts: { sshArgs?: string[] } = {}): Agent {
  const agent = new Agent({ keepAlive: true });
  const argv = sshArgs(spec, opts.sshArgs);
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () =>
    new CommandConn(spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'] }));
  return agent;
}
