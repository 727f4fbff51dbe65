// Hand-made monitor logs for the log tests: k8s-file lines with times that
// step by one millisecond from a fixed start, so since/until are exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const T0 = Date.UTC(2026, 10, 22, 21, 40, 0);

/** RFC3339Nano time of line i (T0 + i ms, plus i ns so every stamp differs below the ms too). */
export const stamp = (i: number): string =>
  new Date(T0 + i).toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(i % 1_000_000).padStart(6, '0')}Z`);

export type Piece = [stream: 'stdout' | 'stderr', flag: 'P' | 'F', text: string];
export type BytePiece = [stream: 'stdout' | 'stderr', flag: 'P' | 'F', data: Buffer];

/** The log text of `pieces`, one record a line, the i-th stamped stamp(i). */
export function logText(pieces: Piece[], first = 0): string {
  return pieces.map(([s, f, t], i) => `${stamp(first + i)} ${s} ${f} ${t}\n`).join('');
}

/** The same for records of any bytes (binary output, characters cut by the pieces). */
export function logBytes(pieces: BytePiece[], first = 0): Buffer {
  return Buffer.concat(pieces.flatMap(([s, f, d], i) => [Buffer.from(`${stamp(first + i)} ${s} ${f} `), d, Buffer.from('\n')]));
}

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync('/tmp/berth-test-log-');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const at = (dir: string, name: string): string => join(dir, name);
