// Where everything lives under berth's root directory. Every other module asks
// this file for paths; none builds them by hand. A container's paths are joined by
// concatenation: `ps` asks for several of each container's, and path.join normalizes
// character by character (600 joins were 8 ms of a cold process); the directory they
// extend is normalized once.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_ROOT = '/var/lib/berth';

/** The root from an explicit option, else BERTH_ROOT, else /var/lib/berth. */
export function resolveRoot(root?: string): string {
  return resolve(root || process.env.BERTH_ROOT || DEFAULT_ROOT);
}

const ID_RE = /^[0-9a-f]{64}$/;

export class Layout {
  readonly root: string;
  readonly containersDir: string;
  constructor(root: string) {
    this.root = root;
    this.containersDir = join(root, 'containers');
  }

  /** Creates the directory skeleton (idempotent). */
  ensure(): void {
    for (const d of [this.root, this.blobsDir, this.layersDir, this.imagesDir, this.containersDir, this.volumesDir, this.tmpDir]) {
      mkdirSync(d, { recursive: true, mode: 0o700 });
    }
  }

  /** Scratch space on the same filesystem (for renames into place). */
  get tmpDir(): string { return join(this.root, 'tmp'); }

  // --- images: content-addressed blobs, unpacked layers, image records ---
  get blobsDir(): string { return join(this.root, 'blobs', 'sha256'); }
  blob(hex: string): string { return join(this.blobsDir, hex); }
  get layersDir(): string { return join(this.root, 'layers'); }
  /** An unpacked layer, keyed by its chain ID (hex). Holds diff/ and layer.json. */
  layer(chainHex: string): string { return join(this.layersDir, chainHex); }
  layerDiff(chainHex: string): string { return join(this.layersDir, chainHex, 'diff'); }
  get imagesDir(): string { return join(this.root, 'images'); }
  get imagesIndex(): string { return join(this.imagesDir, 'images.json'); }
  /** Guards images.json and the layer/blob sets (add and remove). */
  get imagesLock(): string { return join(this.imagesDir, 'lock'); }

  // --- containers ---
  /** Guards creating, renaming and removing containers (name uniqueness). */
  get containersLock(): string { return join(this.containersDir, 'lock'); }
  container(id: string): ContainerPaths {
    // an ID needs no normalizing; anything else (a caller's mistake) is joined as before
    return new ContainerPaths(ID_RE.test(id) ? `${this.containersDir}/${id}` : join(this.containersDir, id));
  }
  /** Name → ID symlinks (container/names.ts). Dot-named: no ID or staging name matches it. */
  get namesDir(): string { return join(this.containersDir, '.names'); }
  /** Where `create` builds a container before renaming it into place (the rename commits it). */
  containerStaging(id: string): ContainerPaths { return new ContainerPaths(join(this.containersDir, `${STAGING_PREFIX}${id}`)); }
  /** Where `rm` renames a container to before deleting it (the rename is the removal). */
  containerTrash(id: string): string { return join(this.containersDir, `${TRASH_PREFIX}${id}`); }

  // --- volumes (their own issue) ---
  get volumesDir(): string { return join(this.root, 'volumes'); }
  /** Guards creating and removing volumes. Dot-named: no volume can be called that. */
  get volumesLock(): string { return join(this.volumesDir, '.lock'); }

  /** Append-only event log: one JSON object a line (engine events for the TUI and `events`). */
  get eventsLog(): string { return join(this.root, 'events.jsonl'); }
}

/** Dot-named, so no container ID or listing ever matches them; only a dead process leaves one. */
export const STAGING_PREFIX = '.new-';
export const TRASH_PREFIX = '.rm-';

/** A container's files. `dir` is normalized and not "/" (Layout makes it), so each path is
 * `dir/NAME` without path.join. */
export class ContainerPaths {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }
  /** The container record (config + last known state), written atomically. */
  get record(): string { return `${this.dir}/container.json`; }
  /** Guards this container's record and its start/stop/remove. */
  get lock(): string { return `${this.dir}/lock`; }
  get upper(): string { return `${this.dir}/upper`; }
  get work(): string { return `${this.dir}/work`; }
  /** Mount point of the overlay root (mounted inside the container's mount namespace). */
  get merged(): string { return `${this.dir}/merged`; }
  get hostname(): string { return `${this.dir}/hostname`; }
  get hosts(): string { return `${this.dir}/hosts`; }
  get resolvConf(): string { return `${this.dir}/resolv.conf`; }
  /** k8s-file log written by the monitor: `<RFC3339Nano> stdout|stderr P|F <text>`. */
  get log(): string { return `${this.dir}/ctr.log`; }
  /** Held shared by clients that follow the container in the foreground (`run` without -d):
   * the --rm cleanup takes it exclusively, so it never removes output a client has not read yet. */
  get attachLock(): string { return `${this.dir}/attach.lock`; }
  /** Written atomically by the monitor when the init exits. */
  get exitFile(): string { return `${this.dir}/exit.json`; }
  /** The monitor's attach socket (stdin, output, resize; see engine/container/attach.ts). */
  get attachSocket(): string { return `${this.dir}/attach.sock`; }
  /** docker's State.Health (status, failing streak, last probes), written by the health checker. */
  get health(): string { return `${this.dir}/health.json`; }
}
