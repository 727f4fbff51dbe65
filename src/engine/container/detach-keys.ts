// Docker's detach keys: "ctrl-p,ctrl-q" by default; `--detach-keys` takes the same format
// (comma-separated: a single character, or ctrl-<a-z @ [ \ ] ^ _>). The matcher watches what
// the user types: a partial match is held back, and passed on if the next key breaks it.
// In the engine because docker's daemon matches them too (attach's detachKeys): every
// face that forwards a keyboard (the CLI's sessions, the TUI's attach pane) detaches alike.
import { BerthError } from '../errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" -> [0x10, 0x11]. Throws on docker's invalid forms. */
export function parseDetachKeys(spec: string): number[] {
  const keys: number[] = [];
  for (const part of spec.split(',')) {
    const lower = part.toLowerCase();
    if (part.length === 1) {
      keys.push(part.charCodeAt(0));
    } else if (lower.startsWith('ctrl-') && part.length === 6) {
      const c = lower[5];
      const code = c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : '@[\\]^_'.indexOf(c) >= 0 ? c.charCodeAt(0) - 64 : -1;
      if (code < 0) throw invalidKeys(spec);
      keys.push(code);
    } else {
      throw invalidKeys(spec);
    }
  }
  if (!keys.length) throw invalidKeys(spec);
  return keys;
}

const invalidKeys = (spec: string) =>
  new BerthError('INVALID_ARGUMENT', `invalid detach keys (${spec}): give comma-separated keys, each a letter or ctrl-<letter> (e.g. "ctrl-p,ctrl-q")`);

export class DetachMatcher {
  private held = 0;
  constructor(private readonly keys: number[]) {}

  /** The bytes to pass on, and whether the whole sequence was typed (what follows it is dropped). */
  feed(data: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of data) {
      if (b === this.keys[this.held]) {
        if (++this.held === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // a broken partial match: what was held goes through, then this key is checked afresh
      for (let i = 0; i < this.held; i++) out.push(this.keys[i]);
      this.held = 0;
      if (b === this.keys[0]) {
        if (++this.held === this.keys.length) return { forward: Buffer.from(out), detach: true };
      } else {
        out.push(b);
      }
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
