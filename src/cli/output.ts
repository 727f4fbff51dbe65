// Output helpers shared by the commands: docker's tables (its tabwriter),
// --format through the engine's one template engine, JSON, durations, sizes.
import { formatList, tabwrite, type ListFormat } from '../engine/template/index.js';

/** Prints rows under a header as docker's tabwriter aligns them (columns ≥ 10 wide, or
 *  `minWidth`, 3 spaces past their widest cell). */
export function printTable(header: string[], rows: string[][], minWidth = 10): void {
  process.stdout.write(tabwrite([header, ...rows].map((r) => r.join('\t')).join('\n'), { minWidth, padding: 3 }) + '\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export { ago, humanDuration, humanSize } from '../engine/format.js';

/**
 * docker's --format for a list: "" or "table" (the verb's default table), "json"
 * (one object a line), "table TEMPLATE" or a bare Go template, one row a line.
 */
export function printFormatted(format: string | undefined, rows: object[], list: ListFormat): void {
  process.stdout.write(formatList(format, rows, list));
}
