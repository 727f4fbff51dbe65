// A tar written to a stream as it is built (`cp … -`, `save`, `export`): the pack is
// drained into `out` while `fill` adds entries (tar-stream holds back otherwise), and
// a failure destroys the pack and is thrown once the drain has stopped.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import tar from 'tar-stream';

/** Runs `fill` on a new pack, writes the tar to `out` (not ended: it may be stdout). */
export async function writeTar<T>(out: Writable, fill: (pack: tar.Pack) => Promise<T>): Promise<T> {
  const pack = tar.pack();
  const drained = (async () => {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  })();
  let result: T;
  try {
    result = await fill(pack);
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await drained.catch(() => undefined);
    throw e;
  }
  await drained;
  return result;
}
