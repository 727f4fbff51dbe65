// One line of the monitor's k8s-file log, and the joining of partial lines.
// A line is `<RFC3339Nano time> <stdout|stderr> <P|F> <text>`; `P` means the
// container wrote more than one log record's worth without a newline, and the
// text continues in the next record of the same stream (other streams may come
// in between).

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** The timestamp as the monitor wrote it (of the first piece, for joined lines). */
  time: string;
  /** The same instant in nanoseconds since the epoch. */
  timeNs: bigint;
  stream: LogStream;
  /** The line's text without its newline, joined over `P` records. */
  text: string;
  /**
   * The line has no end (yet): for one line of the file, a `P` record; for a
   * joined record, a line whose final piece was never written (the log ends
   * mid-line). Print such text without a newline.
   */
  partial: boolean;
}

const LINE = /^(\S+) (stdout|stderr) ([PF])(?: |$)/;

/** Parses one log line (without its newline); undefined when it is not a log record. */
export function parseLine(line: string): LogRecord | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const timeNs = parseTimeNs(m[1]);
  if (timeNs === undefined) return undefined;
  return { time: m[1], timeNs, stream: m[2] as LogStream, text: line.slice(m[0].length), partial: m[3] === 'P' };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** RFC3339 (any fraction up to ns, `Z` or an offset) to ns since the epoch. */
export function parseTimeNs(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, z, sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (Number.isNaN(ms)) return undefined;
  let ns = BigInt(ms) * 1_000_000n + BigInt((frac ?? '').padEnd(9, '0') || '0');
  if (!z) {
    const off = BigInt(Number(oh) * 60 + Number(om)) * 60_000_000_000n;
    ns = sign === '+' ? ns - off : ns + off;
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
  private open = new Map<LogStream, LogRecord>();

  /** Takes one line of the file; returns a record when a line is complete. */
  push(line: LogRecord): LogRecord | undefined {
    const prev = this.open.get(line.stream);
    const whole: LogRecord = prev ? { ...prev, text: prev.text + line.text, partial: line.partial } : line;
    if (line.partial) {
      this.open.set(line.stream, whole);
      return undefined;
    }
    this.open.delete(line.stream);
    return whole;
  }

  /** How many lines are waiting for their final piece. */
  openCount(): number {
    return this.open.size;
  }

  flush(): LogRecord[] {
    const out = [...this.open.values()].sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
    this.open.clear();
    return out;
  }
}
