// Output helpers shared by the commands: aligned tables, JSON, durations, sizes.

/** Prints rows as columns separated by 3 spaces (docker's look); the header is upper case. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd();
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** `--format json`: one JSON object a line (docker's behaviour for list commands). */
export function printJsonLines(values: unknown[]): void {
  for (const v of values) process.stdout.write(JSON.stringify(v) + '\n');
}

export { ago, humanDuration, humanSize } from '../engine/format.js';

/**
 * docker's --format: "json" (one JSON object a line), "table" (the default),
 * or a Go-template subset: {{.Field}}, {{json .}}, {{json .Field}}, with
 * "table " as a prefix printing the fields as a table. Unknown fields are an error.
 */
export function printFormatted(format: string | undefined, rows: Record<string, unknown>[], table: () => void): void {
  if (!format || format === 'table') return table();
  if (format === 'json') return printJsonLines(rows);
  const isTable = format.startsWith('table ');
  const tpl = (isTable ? format.slice(6) : format).replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const lines = rows.map((r) => renderTemplate(tpl, r));
  if (isTable) {
    const header = renderTemplate(tpl.replace(/{{\s*(?:json\s+)?\.(\w+)\s*}}/g, (_, f: string) => f.toUpperCase()), {});
    printTable([header], lines.map((l) => [l]));
  } else {
    process.stdout.write(lines.map((l) => l + '\n').join(''));
  }
}

export function renderTemplate(tpl: string, obj: Record<string, unknown>): string {
  return tpl.replace(/{{\s*(json\s+)?\.(\w*(?:\.\w+)*)\s*}}/g, (_, json: string | undefined, path: string) => {
    let v: unknown = obj;
    for (const k of path ? path.split('.') : []) {
      if (v === null || typeof v !== 'object' || !(k in (v as object))) {
        throw new Error(`template: can't evaluate field ${k}`);
      }
      v = (v as Record<string, unknown>)[k];
    }
    if (json) return JSON.stringify(v);
    if (v === null || v === undefined) return '<no value>';
    if (Array.isArray(v)) return `[${v.join(' ')}]`;
    if (typeof v === 'object') return `map[${Object.entries(v as object).map(([k, x]) => `${k}:${x}`).join(' ')}]`;
    return String(v);
  });
}
