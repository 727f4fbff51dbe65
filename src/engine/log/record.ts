// One line of the monitor's k8s-file log, and the joining of partial lines.
// A line is `<RFC3339Nano time> <stdout|stderr> <P|F> <text>`; `P` means the
// container wrote more than one log record's worth without a newline, and the
// text continues in the next record of the same stream (other streams may come
// in between). The text is the container's bytes as it wrote them (binary, or
// UTF-8 cut anywhere by the 8 KiB pieces): it stays bytes here, and is joined
// as bytes, so only a face that draws it decodes it (whole lines, never pieces).

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** The timestamp as the monitor wrote it (of the first piece, for joined lines). */
  time: string;
  /** The same instant in nanoseconds since the epoch. */
  timeNs: bigint;
  stream: LogStream;
  /** The line's bytes without its newline, joined over `P` records. */
  data: Buffer;
  /**
   * The line has no end (yet): for one line of the file, a `P` record; for a
   * joined record, a line whose final piece was never written (the log ends
   * mid-line). Print such text without a newline.
   */
  partial: boolean;
  /** Only the line's last bytes are here (`maxLineBytes`); its start was left unread. */
  cut?: boolean;
}

const SP = 0x20;
// compared as bytes: a tail of 1000 records in the TUI made two strings and a closure per
// record only to tell the two names apart
const STDOUT = Buffer.from('stdout');
const STDERR = Buffer.from('stderr');

/**
 * Parses one log line (without its newline); undefined when it is not a log record.
 * `data` is a view into `line`, not a copy.
 */
export function parseLine(line: Buffer): LogRecord | undefined {
  // `<time> <stdout|stderr> <P|F>` then one space and the text, or the line's end
  const sp = line.indexOf(SP);
  if (sp <= 0 || line.length < sp + 9) return undefined;
  const stream: LogStream | undefined = line.compare(STDOUT, 0, 6, sp + 1, sp + 7) === 0 ? 'stdout'
    : line.compare(STDERR, 0, 6, sp + 1, sp + 7) === 0 ? 'stderr' : undefined;
  const flag = line[sp + 8];
  if (!stream || line[sp + 7] !== SP || (flag !== 0x50 && flag !== 0x46)) return undefined;
  const end = sp + 9;
  if (line.length > end && line[end] !== SP) return undefined;
  const time = line.toString('latin1', 0, sp);
  const timeNs = parseTimeNs(time);
  if (timeNs === undefined) return undefined;
  return { time, timeNs, stream, data: line.subarray(Math.min(end + 1, line.length)), partial: flag === 0x50 };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

// The monitor's own stamps (`…:SS.nnnnnnnnnZ`) share their second with the records around
// them: its value is kept, and only the nanoseconds are read (a log has ~200 000 records in
// 50 MiB of binary output, and the full parse cost more than reading them).
const NANOS_Z = /^\.(\d{9})Z$/;
let lastSecond = '';
let lastSecondNs = 0n;

/** RFC3339 (any fraction up to ns, `Z` or an offset) to ns since the epoch. */
export function parseTimeNs(s: string): bigint | undefined {
  if (lastSecond && s.length === 30 && s.startsWith(lastSecond)) {
    const n = NANOS_Z.exec(s.slice(19));
    if (n) return lastSecondNs + BigInt(n[1]);
  }
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (!z) {
    const off = BigInt(Number(oh) * 60 + Number(om)) * 60_000_000_000n;
    ns = sign === '+' ? ns - off : ns + off;
  } else if (frac?.length === 9 && s.length === 30) {
    lastSecond = s.slice(0, 19);
    lastSecondNs = ns - BigInt(frac);
  }
  return ns;
}

/** Nanoseconds since the epoch of a Date. */
export const dateNs = (d: Date): bigint => BigInt(d.getTime()) * 1_000_000n;

/**
 * Joins `P` pieces into whole lines. Feed lines in file order; a record comes
 * out when its final (`F`) piece arrives, so records are ordered by when their
 * line was completed. flush() returns the lines still open (the container is
 * writing them, or died mid-line), in the order they were started.
 */
export class Joiner {
  private open = new Map<LogStream, Open>();

  /** `maxBytes`: a line keeps only its last pieces beyond this (see ReadOptions.maxLineBytes). */
  constructor(private readonly maxBytes = Infinity) {}

  /** Takes one line of the file; returns a record when a line is complete. */
  push(line: LogRecord): LogRecord | undefined {
    const prev = this.open.get(line.stream);
    if (line.partial) {
      if (prev) this.add(prev, line.data);
      else this.open.set(line.stream, { first: line, pieces: [line.data], bytes: line.data.length, cut: !!line.cut });
      return undefined;
    }
    if (!prev) return line;
    this.open.delete(line.stream);
    this.add(prev, line.data);
    return whole(prev, false);
  }

  private add(o: Open, piece: Buffer): void {
    o.pieces.push(piece);
    o.bytes += piece.length;
    while (o.pieces.length > 1 && o.bytes - o.pieces[0].length >= this.maxBytes) {
      o.bytes -= o.pieces.shift()!.length;
      o.cut = true;
    }
  }

  /** How many lines are waiting for their final piece. */
  openCount(): number {
    return this.open.size;
  }

  flush(): LogRecord[] {
    const out = [...this.open.values()]
      .sort((a, b) => (a.first.timeNs < b.first.timeNs ? -1 : a.first.timeNs > b.first.timeNs ? 1 : 0))
      .map((o) => whole(o, true));
    this.open.clear();
    return out;
  }
}

/** The pieces' bytes joined once, when the line is complete (not piece by piece: a line of
 * many megabytes would be copied over and over). */
const whole = (o: Open, partial: boolean): LogRecord =>
  ({ ...o.first, data: o.pieces.length === 1 ? o.pieces[0] : Buffer.concat(o.pieces), partial, ...(o.cut ? { cut: true } : {}) });

/** A line being joined: its first piece (time, stream), the pieces kept and their size. */
interface Open { first: LogRecord; pieces: Buffer[]; bytes: number; cut: boolean }
