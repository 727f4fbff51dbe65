// Reading the monitor's log: forward in chunks, or the last N records by
// reading backwards from the end (a 1 GB log costs a few chunks to show 10
// lines). Lines are split on bytes and stay bytes (records carry the
// container's output as it wrote it), so no boundary can break a character.
import { open, type FileHandle } from 'node:fs/promises';
import { Joiner, dateNs, parseLine, type LogRecord } from './record.js';

export interface ReadOptions {
  /** Only the last N records (docker's `--tail N`); undefined = all. */
  tail?: number;
  /** Only records at or after this instant. */
  since?: Date;
  /** Only records at or before this instant. */
  until?: Date;
  /**
   * Lines longer than this keep only their last pieces past it (the record says `cut`):
   * a face that shows a line's end need not hold a line of many megabytes (one `P`
   * record after another), nor read it whole. Undefined: whole lines, as docker prints.
   */
  maxLineBytes?: number;
}

export const CHUNK = 64 * 1024;
const MIN_READ = 16 * 1024;
const NL = 0x0a;

/** Bytes in, complete lines out (views into the chunks: a chunk is not reused after its
 * push); keeps the unterminated rest for the next push. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  // where readFrom reads to: the unfilled end of the last chunk (lines only ever view the
  // filled part), so a follower woken for a few KiB does not allocate 64 KiB each time
  private chunk = Buffer.alloc(0);
  private filled = 0;

  /** Free space to read into, at least MIN_READ bytes. */
  room(): Buffer {
    if (this.chunk.length - this.filled < MIN_READ) {
      this.chunk = Buffer.allocUnsafe(CHUNK);
      this.filled = 0;
    }
    return this.chunk.subarray(this.filled);
  }

  /** The complete lines after `n` bytes were read into room(). */
  pushRead(n: number): Buffer[] {
    const data = this.chunk.subarray(this.filled, this.filled + n);
    this.filled += n;
    return this.push(data);
  }

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    if (this.rest.length) {
      // only the line begun in an earlier chunk is copied, not the whole chunk
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return lines;
      }
      lines.push(Buffer.concat([this.rest, chunk.subarray(0, nl)]));
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
      lines.push(chunk.subarray(start, nl));
      start = nl + 1;
    }
    this.rest = chunk.subarray(start);
    return lines;
  }

  /** The unterminated rest (a line the writer never finished), and forget it. */
  take(): Buffer | undefined {
    const s = this.rest.length ? this.rest : undefined;
    this.rest = Buffer.alloc(0);
    return s;
  }
}

/**
 * Reads from `pos` to the current end, handing each completed line to `onLine`
 * (which returns false to stop early). Returns the position after what was read.
 */
export async function readFrom(fh: FileHandle, pos: number, split: LineSplitter, onLine: (line: Buffer) => boolean): Promise<number> {
  for (;;) {
    const room = split.room();
    const { bytesRead } = await fh.read(room, 0, room.length, pos);
    if (bytesRead === 0) return pos;
    pos += bytesRead;
    for (const l of split.pushRead(bytesRead)) if (!onLine(l)) return pos;
  }
}

/**
 * Counts records while walking lines backwards, to know when enough has been
 * read for the last `n` records. A record starts (seen from the end) at an `F`
 * line, or at its stream's last line when that is a `P` (a line still being
 * written: always among the last). A wanted record's earlier `P` pieces lie
 * further back, so for each stream with wanted records we read on until an
 * earlier `F` of that stream (the end of a record we do not want) or the start
 * -- but at most LOOKBACK bytes past the n-th record: a stream that wrote
 * nothing else for that long has no earlier pieces worth a full scan (a 1 GB
 * stdout log with one stderr line must not be read whole to show 10 lines).
 */
const LOOKBACK = 1024 * 1024;

class TailCounter {
  private count = 0;
  private seen = new Set<string>();
  private want = new Set<string>();
  private closed = new Set<string>();
  private reachedAt = -1; // file offset where the n-th record was found
  constructor(private readonly n: number) {}

  take(line: LogRecord, offset: number): void {
    const trailing = line.partial && !this.seen.has(line.stream);
    this.seen.add(line.stream);
    if (line.partial && !trailing) return; // an earlier piece of a record already counted
    if (this.count < this.n || trailing) {
      this.count++;
      this.want.add(line.stream);
    } else {
      this.closed.add(line.stream);
    }
    if (this.count >= this.n && this.reachedAt < 0) this.reachedAt = offset;
  }

  /** Enough read once everything before `offset` is not needed. */
  done(offset: number): boolean {
    if (this.count < this.n) return false;
    if (this.reachedAt >= 0 && this.reachedAt - offset > LOOKBACK) return true;
    for (const s of this.want) if (!this.closed.has(s)) return false;
    return true;
  }
}

/**
 * The lines (file order) that hold the last `n` records, read backwards from
 * `size`, and `end`: the offset just past the last complete line (a line the
 * writer has not finished yet is left for a follower to read).
 */
export async function tailLines(fh: FileHandle, size: number, n: number, maxLineBytes = Infinity): Promise<{ lines: LogRecord[]; end: number }> {
  const counter = new TailCounter(n);
  const rev: LogRecord[] = [];
  // per stream, the bytes held of the record being read back, and its earliest piece held
  // (marked cut when an earlier one is left out: the joiner says so on the whole record)
  const held = new Map<string, { bytes: number; earliest: LogRecord }>();
  const keep = (line: LogRecord): boolean => {
    const h = held.get(line.stream);
    if (!line.partial || !h) {
      // a line's end (`F`), or the unfinished last line: a record starts here, seen from the end
      held.set(line.stream, { bytes: line.data.length, earliest: line });
      return true;
    }
    if (h.bytes >= maxLineBytes) {
      h.earliest.cut = true;
      return false;
    }
    h.bytes += line.data.length;
    h.earliest = line;
    return true;
  };
  let pos = size;
  let end = -1;
  // one buffer for every chunk: what is kept is copied out of it (the wanted records, a long
  // line's last pieces), so reading back through a 48 MB line leaves no chunk per 64 KiB
  // for the collector to find
  const buf = Buffer.allocUnsafeSlow(Math.max(1, Math.min(CHUNK, size)));
  // the start of the current line, in chunks read after (before, in the file) its end
  let rest: Buffer[] = [];
  const take = (parts: Buffer[], offset: number): boolean => {
    if (counter.done(offset)) return false;
    const raw = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const line = parseLine(raw);
    if (line) {
      counter.take(line, offset);
      if (keep(line)) {
        // only the text is a view into the chunk: the rest of the parsed record is its own
        const own = raw.buffer === buf.buffer ? { ...line, data: Buffer.from(line.data) } : line;
        held.get(own.stream)!.earliest = own; // keep() made `line` the earliest held piece
        rev.push(own);
      }
    }
    return true;
  };
  while (pos > 0) {
    // enough already, even with a line begun in `rest` (it starts before pos)
    if (end >= 0 && counter.done(pos)) return { lines: rev.reverse(), end };
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const chunk = buf.subarray(0, len);
    await readFully(fh, chunk, pos);
    let stop = len; // exclusive end of the current line within chunk
    let nl = chunk.lastIndexOf(NL);
    if (end < 0) {
      if (nl < 0) continue; // still inside the unterminated last line: not ours to read
      end = pos + nl + 1;
      stop = nl;
      nl = nl > 0 ? chunk.lastIndexOf(NL, nl - 1) : -1;
    }
    for (; nl >= 0; nl = stop > 0 ? chunk.lastIndexOf(NL, stop - 1) : -1) {
      if (!take([chunk.subarray(nl + 1, stop), ...rest], pos + nl + 1)) return { lines: rev.reverse(), end };
      rest = [];
      stop = nl;
    }
    rest.unshift(Buffer.from(chunk.subarray(0, stop))); // the next chunk is read over it
  }
  if (end >= 0) take(rest, 0); // the file's first line
  return { lines: rev.reverse(), end: Math.max(end, 0) };
}

async function readFully(fh: FileHandle, buf: Buffer, pos: number): Promise<void> {
  for (let off = 0; off < buf.length;) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, pos + off);
    if (bytesRead === 0) throw new Error('log file shrank while being read');
    off += bytesRead;
  }
}

/** Filters by since/until; `stop` = past until (records come in time order). */
export function timeFilter(opts: ReadOptions): (r: LogRecord) => 'keep' | 'skip' | 'stop' {
  const since = opts.since ? dateNs(opts.since) : undefined;
  const until = opts.until ? dateNs(opts.until) : undefined;
  return (r) => (until !== undefined && r.timeNs > until ? 'stop' : since !== undefined && r.timeNs < since ? 'skip' : 'keep');
}

/** The records of a log file (none if it does not exist yet). Lines not yet finished are left out. */
export async function readLog(path: string, opts: ReadOptions = {}): Promise<LogRecord[]> {
  if (opts.tail !== undefined && opts.tail <= 0) return [];
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  try {
    const joiner = new Joiner(opts.maxLineBytes);
    const filter = timeFilter(opts);
    const out: LogRecord[] = [];
    // false once a record is past `until`: nothing after it is wanted
    const add = (r: LogRecord): boolean => {
      const f = filter(r);
      if (f === 'keep') out.push(r);
      return f !== 'stop';
    };
    if (opts.tail !== undefined) {
      // docker applies --tail first, then --since/--until to what is left
      const { lines } = await tailLines(fh, (await fh.stat()).size, opts.tail, opts.maxLineBytes);
      const last: LogRecord[] = [];
      for (const l of lines) {
        const r = joiner.push(l);
        if (r) last.push(r);
      }
      for (const r of [...last, ...joiner.flush()].slice(-opts.tail)) if (!add(r)) break;
      return out;
    }
    let going = true;
    await readFrom(fh, 0, new LineSplitter(), (s) => {
      const l = parseLine(s);
      const r = l && joiner.push(l);
      if (r) going = add(r);
      return going;
    });
    if (going) for (const r of joiner.flush()) if (!add(r)) break;
    return out;
  } finally {
    await fh.close();
  }
}
