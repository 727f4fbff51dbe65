// The lines of one container's log as the logs tab shows them: bounded (lines
// and bytes), so a chatty container cannot grow the TUI's memory; the oldest
// lines are dropped and counted. Search positions survive the dropping because
// lines are addressed by a sequence number, not an array index.
export interface LogLine {
  /** Monotonic number of the line since the buffer started. */
  seq: number;
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export class LogBuffer {
  // an array with a moving start: dropping the oldest is O(1); the array is
  // compacted when half of it is dead
  private items: LogLine[] = [];
  private start = 0;
  private bytes = 0;
  private nextSeq = 0;
  /** Lines dropped to stay within the bounds. */
  dropped = 0;

  constructor(readonly maxLines = 5000, readonly maxBytes = 4 * 1024 * 1024) {}

  push(time: string, stream: 'stdout' | 'stderr', text: string): void {
    const t = fit(text);
    this.items.push({ seq: this.nextSeq++, time, stream, text: t });
    this.bytes += t.length;
    while (this.length > this.maxLines || (this.bytes > this.maxBytes && this.length > 1)) this.dropOldest();
  }

  private dropOldest(): void {
    const oldest = this.items[this.start++];
    this.bytes -= oldest.text.length;
    this.dropped++;
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** Older lines (oldest first) put before the held ones, numbered below them (loading older
   * lines on scroll-up); the caller keeps within maxLines. */
  prepend(lines: ReadonlyArray<Omit<LogLine, 'seq'>>): void {
    const first = this.at(0)?.seq ?? this.nextSeq;
    const older = lines.map((l, i) => ({ ...l, seq: first - lines.length + i, text: fit(l.text) }));
    for (const l of older) this.bytes += l.text.length;
    this.items = [...older, ...this.items.slice(this.start)];
    this.start = 0;
  }

  get length(): number { return this.items.length - this.start; }
  lines(): LogLine[] { return this.items.slice(this.start); }
  at(i: number): LogLine | undefined { return i < 0 || i >= this.length ? undefined : this.items[this.start + i]; }
  get byteSize(): number { return this.bytes; }

  /** Empties the buffer for another container: nothing of the last one's counts stays. */
  clear(): void { this.items = []; this.start = 0; this.bytes = 0; this.dropped = 0; }

  /** Sequence numbers of the lines containing `query` (case-insensitive). */
  search(query: string): number[] {
    if (!query) return [];
    const q = query.toLowerCase();
    const out: number[] = [];
    for (let i = this.start; i < this.items.length; i++) {
      if (this.items[i].text.toLowerCase().includes(q)) out.push(this.items[i].seq);
    }
    return out;
  }

  /** The next (dir 1) or previous (dir -1) match after `fromSeq`, wrapping around. */
  nextMatch(query: string, fromSeq: number, dir: 1 | -1): number | undefined {
    const hits = this.search(query);
    if (!hits.length) return undefined;
    if (dir === 1) return hits.find((s) => s > fromSeq) ?? hits[0];
    return [...hits].reverse().find((s) => s < fromSeq) ?? hits[hits.length - 1];
  }

  /** Index in lines() of a sequence number (undefined once dropped). */
  indexOf(seq: number): number | undefined {
    const first = this.at(0);
    if (!first || seq < first.seq) return undefined;
    const i = seq - first.seq;
    return i < this.length ? i : undefined;
  }
}

/** One very long line must not take the whole budget. */
function fit(text: string): string {
  return text.length > 8192 ? text.slice(0, 8192) + '…' : text;
}
