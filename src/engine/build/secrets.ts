// `build --secret` and `--ssh` (docker's syntax, parsed here so every face
// accepts the same strings) and what a RUN step mounts for them. A secret is
// copied into a private file under the store's tmp/ with the mount's mode and
// owner, bound read-only on its target for that one step and deleted after;
// only its id and target go into the cache key, never its content (as
// BuildKit). An ssh mount binds the agent's socket and names it in
// SSH_AUTH_SOCK. Neither leaves a file in the layer (steps.ts removes mount
// points the step did not fill).
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { BerthError, invalid } from '../errors.js';
import type { Layout } from '../store/layout.js';
import { tmpPath } from '../store/tmp.js';

export interface SecretSource {
  id: string;
  /** A host file, or an environment variable's value (read when a step mounts it). */
  file?: string;
  env?: string;
}

/** `--secret id=ID[,src=PATH|,env=VAR][,type=file|env]`; `id=ID` alone takes $ID or, failing that, the file ID. */
export function parseSecretFlag(spec: string): SecretSource {
  const f = fields(spec);
  const id = f.get('id');
  if (!id) throw invalid(`invalid secret "${spec}": id is required`);
  const src = f.get('src') ?? f.get('source');
  const type = f.get('type');
  if (type !== undefined && type !== 'file' && type !== 'env') throw invalid(`unsupported secret type "${type}"`);
  if (f.has('env') || type === 'env') return { id, env: f.get('env') ?? src ?? id };
  if (src !== undefined) return { id, file: src };
  return process.env[id] !== undefined ? { id, env: id } : { id, file: id };
}

export interface SshSource {
  id: string;
  /** The agent's socket. */
  socket: string;
}

/** `--ssh default|ID[=SOCKET]`: an agent socket ($SSH_AUTH_SOCK when none is named). */
export function parseSshFlag(spec: string): SshSource {
  const eq = spec.indexOf('=');
  const id = eq < 0 ? spec : spec.slice(0, eq);
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw invalid(`invalid ssh spec "${spec}"`);
  const socket = eq < 0 ? process.env.SSH_AUTH_SOCK : spec.slice(eq + 1).split(',')[0];
  if (!socket) throw invalid(`invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set (--ssh ${spec})`);
  let st;
  try { st = lstatSync(socket); } catch { throw invalid(`failed to parse ssh "${spec}": ${socket}: no such file or directory`); }
  // BuildKit also takes key files and runs an agent of its own for them; berth forwards agents only
  if (!st.isSocket()) throw new BerthError('UNSUPPORTED', `--ssh ${spec}: ${socket} is not an agent socket (berth forwards ssh agents, not key files)`);
  return { id, socket };
}

/** Fields of a mount-style spec (`k=v,k=v`; a bare key is `true`; empty fields are skipped). */
export function fields(spec: string): Map<string, string> {
  const f = new Map<string, string>();
  for (const field of spec.split(',')) {
    if (field.trim() === '') continue;
    const eq = field.indexOf('=');
    f.set((eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : field.slice(eq + 1));
  }
  return f;
}

/** The secret's bytes, or undefined when it was not given (or its source is missing). */
export function readSecret(s: SecretSource | undefined): Buffer | undefined {
  if (!s) return undefined;
  if (s.env !== undefined) return process.env[s.env] !== undefined ? Buffer.from(process.env[s.env]!) : undefined;
  try {
    return statSync(s.file!).isFile() ? readFileSync(s.file!) : undefined;
  } catch {
    return undefined;
  }
}

/** A private copy of the secret with the mount's owner and mode; `release` deletes it. */
export function stageSecret(layout: Layout, data: Buffer, mode: number, uid: number, gid: number): { path: string; release(): Promise<void> } {
  const dir = tmpPath(layout, 'build-secret');
  mkdirSync(dir, { mode: 0o700 });
  const path = `${dir}/secret`;
  try {
    writeFileSync(path, data, { mode: 0o600 });
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { path, release: async () => rmSync(dir, { recursive: true, force: true }) };
}
