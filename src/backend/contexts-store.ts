// docker's context store, read and written exactly as docker's CLI does
// (cli/context/store): `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json`
// ({"Name","Metadata":{"Description"},"Endpoints":{"docker":{"Host","SkipTLSVerify"}}})
// and the TLS files under `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`.
// The directory is named by the hash, not the name, so a hostile context name
// never reaches a path. Modes are docker's (meta 0755/0644, tls 0700/0600): a
// context berth writes is one `docker context ls` shows, and the other way round.
// Keys berth does not know (other endpoints such as "kubernetes", other metadata)
// are kept as read.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteFile, BerthError } from '../engine/index.js';
import { configDir } from '../engine/registry/index.js';

export interface DockerEndpointMeta { Host?: string; SkipTLSVerify?: boolean; [k: string]: unknown }

export interface ContextMeta {
  Name: string;
  Metadata: { Description?: string; [k: string]: unknown };
  Endpoints: { docker?: DockerEndpointMeta; [k: string]: unknown };
}

/** PEM bytes of an endpoint's TLS files (any may be missing: a CA alone verifies the server). */
export interface TlsFiles { ca?: Buffer; cert?: Buffer; key?: Buffer }

const TLS_NAMES = ['ca', 'cert', 'key'] as const;

/** docker's rule for a context name (cli/context/store: restrictedNamePattern). */
export const CONTEXT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;

export const contextId = (name: string): string => createHash('sha256').update(name).digest('hex');

export class ContextStore {
  readonly metaRoot: string;
  readonly tlsRoot: string;

  constructor(readonly dir: string = configDir()) {
    this.metaRoot = join(dir, 'contexts', 'meta');
    this.tlsRoot = join(dir, 'contexts', 'tls');
  }

  metaPath(name: string): string { return join(this.metaRoot, contextId(name)); }
  tlsPath(name: string): string { return join(this.tlsRoot, contextId(name)); }

  /** Every stored context; one whose meta.json cannot be read is left out, as docker's list does. */
  list(): ContextMeta[] {
    let ids: string[];
    try {
      ids = readdirSync(this.metaRoot);
    } catch {
      return [];
    }
    const out: ContextMeta[] = [];
    for (const id of ids) {
      try {
        out.push(parseMeta(readFileSync(join(this.metaRoot, id, 'meta.json'), 'utf8')));
      } catch { /* not a context (docker skips it too) */ }
    }
    return out;
  }

  /** A context by name; docker's words when it is not there. */
  get(name: string): ContextMeta {
    const file = join(this.metaPath(name), 'meta.json');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BerthError('NOT_FOUND', `context "${name}": context not found: open ${file}: no such file or directory`);
      }
      throw e;
    }
    return parseMeta(text);
  }

  exists(name: string): boolean {
    try {
      this.get(name);
      return true;
    } catch {
      return false;
    }
  }

  /** The TLS files docker keeps for the context's docker endpoint. */
  tls(name: string): TlsFiles {
    const out: TlsFiles = {};
    for (const f of TLS_NAMES) {
      try {
        out[f] = readFileSync(join(this.tlsPath(name), 'docker', `${f}.pem`));
      } catch { /* absent */ }
    }
    return out;
  }

  /** Names of the TLS files present (inspect's TLSMaterial). */
  tlsMaterial(name: string): string[] {
    try {
      return readdirSync(join(this.tlsPath(name), 'docker')).sort();
    } catch {
      return [];
    }
  }

  /** Writes a context (metadata, then its TLS files) with docker's layout and modes. */
  write(meta: ContextMeta, tls: TlsFiles = {}): void {
    const dir = this.metaPath(meta.Name);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    const files = TLS_NAMES.filter((f) => tls[f]);
    if (files.length) {
      const tdir = join(this.tlsPath(meta.Name), 'docker');
      mkdirSync(tdir, { recursive: true, mode: 0o700 });
      for (const f of files) atomicWriteFile(join(tdir, `${f}.pem`), tls[f]!, 0o600);
    }
    // the metadata last: a context appears (to either CLI) only with its TLS files in place
    atomicWriteFile(join(dir, 'meta.json'), JSON.stringify(meta), 0o644);
  }

  /** Removes a context: its metadata first (gone for every reader at once), then its TLS files. */
  remove(name: string): void {
    rmSync(this.metaPath(name), { recursive: true, force: true });
    rmSync(this.tlsPath(name), { recursive: true, force: true });
  }
}

function parseMeta(text: string): ContextMeta {
  const m = JSON.parse(text) as Partial<ContextMeta>;
  if (typeof m.Name !== 'string') throw new Error('meta.json without a Name');
  return { Name: m.Name, Metadata: m.Metadata ?? {}, Endpoints: m.Endpoints ?? {} };
}
