// Disk usage of a directory (a volume, a container's upper dir, a temp file), as docker counts it (the sum of the
// sizes of everything but directories): the walk does not follow
// symlinks (a volume's content is the container's, and may point anywhere) and
// counts each hard-linked inode once.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function directoryUsage(dir: string): number {
  const seen = new Set<string>();
  let total = 0;
  const walk = (path: string): void => {
    let st;
    try {
      st = lstatSync(path, { bigint: true });
    } catch {
      return; // removed while walking (a running container writes to it)
    }
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (st.isDirectory()) {
      let names: string[] = [];
      try { names = readdirSync(path); } catch { /* gone or unreadable */ }
      for (const n of names) walk(join(path, n));
    } else {
      total += Number(st.size);
    }
  };
  walk(dir);
  return total;
}
