// docker's multiplexed stream (a container or exec without a tty): frames of an
// 8-byte header — stream type (1 stdout, 2 stderr), three zero bytes, the length
// as u32 BE — then the bytes. Cut here rather than by docker-modem's demuxStream,
// which reads on 'readable' and so cannot be paused: a slow reader of our stdout
// pauses the socket, and the container waits.
import type { OutputStream } from '../../engine/container/index.js';

/** A 'data' listener that hands each frame's bytes to `fn`, a frame split over chunks included. */
export function demuxFrames(fn: (stream: OutputStream, data: Buffer) => void): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      if (len) fn(buf[0] === 2 ? 'stderr' : 'stdout', buf.subarray(8, 8 + len));
      buf = buf.subarray(8 + len);
    }
    if (buf.length) buf = Buffer.from(buf); // not a view on a chunk that is otherwise done
  };
}
