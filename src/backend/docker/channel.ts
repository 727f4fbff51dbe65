// A push-to-pull queue: stream callbacks (docker-modem's demux, line readers)
// push, an async generator pulls. Bounded by what one stream delivers between
// two reads of the consumer, which the TUI takes at once.
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private wake?: () => void;
  private done = false;
  private error?: Error;

  push(item: T): void { this.items.push(item); this.poke(); }
  end(): void { this.done = true; this.poke(); }
  fail(e: Error): void { this.error ??= e; this.done = true; this.poke(); }

  private poke(): void { const w = this.wake; this.wake = undefined; w?.(); }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.items.length) yield this.items.shift()!;
      if (this.done) { if (this.error) throw this.error; return; }
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

/** JSON documents, one a line (docker's events, stats and pull progress). */
export function jsonLines<T>(stream: NodeJS.ReadableStream, signal?: AbortSignal): Channel<T> {
  const ch = new Channel<T>();
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) { try { ch.push(JSON.parse(p) as T); } catch { /* a torn line: skipped */ } }
  });
  stream.on('end', () => ch.end());
  stream.on('close', () => ch.end());
  stream.on('error', (e: Error) => ch.fail(e));
  signal?.addEventListener('abort', () => { (stream as unknown as { destroy?(): void }).destroy?.(); ch.end(); }, { once: true });
  return ch;
}
