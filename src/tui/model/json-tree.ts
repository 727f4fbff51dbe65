// Navigable JSON for the inspect tab: the document flattened into lines, each
// object/array node foldable. Folds are kept by path, so a refreshed document
// (an event reloaded it) keeps what the user opened or closed.
export interface JsonLine {
  path: string;
  depth: number;
  /** "Key": value, or "Key": { … } for a node. */
  key?: string;
  text: string;
  /** An object/array that can fold. */
  node: boolean;
  folded: boolean;
}

export class JsonTree {
  private doc: unknown;
  private readonly folded = new Set<string>();
  lines: JsonLine[] = [];

  set(doc: unknown): void {
    this.doc = doc;
    this.flatten();
  }

  toggle(path: string): void {
    if (this.folded.has(path)) this.folded.delete(path);
    else this.folded.add(path);
    this.flatten();
  }

  /** Folds every node below the top level. */
  foldAll(): void {
    for (const l of this.allNodes(this.doc, '$', 0)) if (l.depth >= 1) this.folded.add(l.path);
    this.flatten();
  }

  unfoldAll(): void {
    this.folded.clear();
    this.flatten();
  }

  private *allNodes(v: unknown, path: string, depth: number): Generator<{ path: string; depth: number }> {
    if (v === null || typeof v !== 'object') return;
    yield { path, depth };
    for (const [k, c] of Object.entries(v)) yield* this.allNodes(c, `${path}.${k}`, depth + 1);
  }

  private flatten(): void {
    const out: JsonLine[] = [];
    const walk = (v: unknown, path: string, depth: number, key: string | undefined, last: boolean): void => {
      const comma = last ? '' : ',';
      const prefix = key === undefined ? '' : `${JSON.stringify(key)}: `;
      if (v !== null && typeof v === 'object') {
        const isArr = Array.isArray(v);
        const entries = Object.entries(v);
        const [open, close] = isArr ? ['[', ']'] : ['{', '}'];
        if (!entries.length) { out.push({ path, depth, key, text: `${prefix}${open}${close}${comma}`, node: false, folded: false }); return; }
        const folded = this.folded.has(path);
        if (folded) {
          out.push({ path, depth, key, text: `${prefix}${open} … ${entries.length} ${isArr ? 'items' : 'keys'} ${close}${comma}`, node: true, folded: true });
          return;
        }
        out.push({ path, depth, key, text: `${prefix}${open}`, node: true, folded: false });
        entries.forEach(([k, c], i) => walk(c, `${path}.${k}`, depth + 1, isArr ? undefined : k, i === entries.length - 1));
        out.push({ path: `${path}#end`, depth, text: `${close}${comma}`, node: false, folded: false });
        return;
      }
      out.push({ path, depth, key, text: `${prefix}${JSON.stringify(v)}${comma}`, node: false, folded: false });
    };
    if (this.doc !== undefined) walk(this.doc, '$', 0, undefined, true);
    this.lines = out;
  }
}
