// Signal names as docker accepts them (--stop-signal, kill -s): "SIGTERM",
// "TERM", "term", "15", and the real-time ones "RTMIN+3" / "SIGRTMAX-2".
import { constants } from 'node:os';
import { invalid } from '../errors.js';

// glibc reserves 32 and 33 for threads: SIGRTMIN is 34 for programs, SIGRTMAX 64
const RTMIN = 34, RTMAX = 64;

export function signalNumber(name: string): number {
  const bad = () => invalid(`invalid signal: ${name}`);
  const s = name.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > RTMAX) throw bad();
    return n;
  }
  const bare = s.toUpperCase().replace(/^SIG/, '');
  const rt = /^RT(MIN|MAX)(?:([+-])(\d+))?$/.exec(bare);
  if (rt) {
    const base = rt[1] === 'MIN' ? RTMIN : RTMAX;
    const n = base + (rt[2] === '-' ? -1 : 1) * Number(rt[3] ?? 0);
    if (n < RTMIN || n > RTMAX) throw bad();
    return n;
  }
  const signals = constants.signals as Record<string, number>;
  const n = signals[`SIG${bare}`];
  if (n === undefined) throw bad();
  return n;
}
