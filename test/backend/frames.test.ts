// docker's multiplexed stream cut back into stdout and stderr (an exec or a container
// attached without a tty): frames whose header or body is split over chunks, and an
// empty frame, come out as the bytes each stream got, in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demuxFrames } from '../../src/backend/docker/frames.js';

const frame = (type: number, text: string): Buffer => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

test('frames split anywhere: each stream gets its bytes, in order', () => {
  const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, ''), frame(1, 'out two\n')]);
  for (let cut = 1; cut < all.length; cut++) {
    const got: string[] = [];
    const feed = demuxFrames((s, d) => got.push(`${s}:${d.toString()}`));
    feed(all.subarray(0, cut));
    feed(all.subarray(cut, cut + 3));
    feed(all.subarray(cut + 3));
    assert.equal(got.join(''), 'stdout:out one\nstderr:err\nstdout:out two\n', `cut at ${cut}`);
  }
});

test.run();
