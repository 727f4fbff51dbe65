// What `system check` finds: one problem per object, said so a user can act on
// it, with the repair that is safe to make (none when only a person can judge).
export interface Finding {
  /** The object: "container web (3f2a…)", a path, "layer sha256:…". */
  what: string;
  /** What is wrong with it, in words. */
  problem: string;
  repair?: Repair;
}

export interface Repair {
  /** What the repair does, said after it is done ("removed", "killed 2 processes"). */
  says: string;
  /** Re-checks under the lock that guards the object, then repairs; false if it was fine by then. */
  run(): Promise<boolean> | boolean;
}

export interface CheckOptions {
  /** Skips what reads every byte (blob digests): for `info`. */
  quick?: boolean;
  /** Layers no image uses count as a problem only when older than this (ms): a pull or load
   * commits its layers before its image. Default 24 h, as podman's --max. */
  maxLayerAgeMs?: number;
}
