// blessed recomputes every line's starting attribute (Element._parseAttr: a regex and a
// substring per colour code in the whole content) on each render of each element, even
// when its content did not change and its parsed lines were kept. With a list of rows
// full of colour tags that was a fifth of what an idle frame allocated. The attributes
// depend only on the parsed lines (a new array whenever the content or width changes)
// and the element's default attribute, so they are kept per element and recomputed
// only when either changes.
import blessed from 'blessed';

interface AttrElement {
  sattr(style: unknown): number;
  style: unknown;
  _berthAttrs?: { lines: unknown; dattr: number; attrs: number[] | undefined };
}
type ParseAttr = (this: AttrElement, lines: string[]) => number[] | undefined;

let installed = false;
export function memoizeLineAttrs(): void {
  if (installed) return;
  installed = true;
  const proto = (blessed as unknown as { widget: { Element: { prototype: { _parseAttr: ParseAttr } } } }).widget.Element.prototype;
  const parse = proto._parseAttr;
  proto._parseAttr = function (lines) {
    const dattr = this.sattr(this.style), kept = this._berthAttrs;
    if (kept && kept.lines === lines && kept.dattr === dattr) return kept.attrs;
    const attrs = parse.call(this, lines);
    this._berthAttrs = { lines, dattr, attrs };
    return attrs;
  };
}
