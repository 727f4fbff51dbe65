// The list filter's little language: text matches any shown field (as a
// case-insensitive regular expression when it is one, else as plain text),
// `label=KEY` or `label=KEY=VALUE` matches labels, and a leading `!` inverts.
export type RowTest = (fields: string[], labels: Record<string, string>) => boolean;

export function rowFilter(text: string): RowTest {
  const t = text.trim();
  if (!t) return () => true;
  if (t.startsWith('!')) {
    const inner = rowFilter(t.slice(1));
    return t.length > 1 ? (f, l) => !inner(f, l) : () => true;
  }
  const label = /^label=([^=]+)(?:=(.*))?$/.exec(t);
  if (label) {
    const [, k, v] = label;
    return (_f, l) => k in l && (v === undefined || l[k] === v);
  }
  let re: RegExp | undefined;
  try { re = new RegExp(t, 'i'); } catch { re = undefined; } // "[abc" while typing: plain text
  const low = t.toLowerCase();
  return (f) => f.some((x) => (re ? re.test(x) : x.toLowerCase().includes(low)));
}
