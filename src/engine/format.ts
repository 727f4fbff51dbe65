// Docker's human-readable durations and sizes: part of what the engine reports
// (`ps` Status text), shared by the CLI and the TUI.

/** "5 seconds", "About a minute", "3 hours" — docker's HumanDuration. */
export function humanDuration(ms: number): string {
  // docker's go-units HumanDuration: seconds and minutes cut down, hours rounded, the rest whole hours divided
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(ms / 60_000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.floor(ms / 3_600_000 + 0.5);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}

/** "5 minutes ago" for a time stamp; "N/A" when there is none (an image whose config
 *  has no `created`, as docker shows it). */
export function ago(iso: string | undefined, now = Date.now()): string {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 'N/A' : `${humanDuration(Math.max(0, now - t))} ago`;
}

/** Decimal units like docker: "4.26MB", "1.2GB". */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes, i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  // trailing zeros go only after a decimal point: 300kB must not become 3kB
  return `${i === 0 ? v : v.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}${units[i]}`;
}

/** Go's Time.String() of a time stamp, as docker prints CreatedAt: "2006-01-02 15:04:05 +0000 UTC". */
export function goTime(iso: string): string {
  const t = Date.parse(iso); // "" or a date an image's config got wrong: docker's N/A
  return Number.isNaN(t) ? 'N/A' : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** docker's formatter.Ellipsis: at most `width` characters, the last one "…" when cut. */
export function ellipsis(s: string, width: number): string {
  const chars = [...s];
  return chars.length <= width ? s : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}
