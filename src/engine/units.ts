// docker's size syntax (go-units RAMInBytes: binary multiples, "32m" = 32 MiB, optional
// "b"/"ib", case-insensitive), for every face and for berth's own settings
// (BERTH_MAX_LAYER_SIZE, ...): one parser, each caller words its own error.

const MULT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "32m" → 33554432; undefined when it is not a size; Infinity when it is too large to count. */
export function sizeInBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * MULT[(m[2] ?? '').toLowerCase()]);
  return Number.isSafeInteger(bytes) ? bytes : Infinity;
}
