// Images for the volume tests, built from the busybox rootfs tarball at test
// time: one with a VOLUME, and a hostile one whose rootfs plants symlinks at
// mount destinations (/data -> /etc, /data2 -> ../../../../etc) plus a
// directory with content for copy-up (/seed, owned by 1000:1000).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar } from '../helpers/fixtures.js';

/** Returns the path of the hostile tarball inside `dir` (a temp dir the caller removes). */
export function hostileTar(dir: string): string {
  const out = join(dir, 'hostile.tar');
  copyFileSync(busyboxTar(), out);
  const extra = mkdtempSync(join(dir, 'extra-'));
  symlinkSync('/etc', join(extra, 'data'));
  symlinkSync('../../../../etc', join(extra, 'data2'));
  mkdirSync(join(extra, 'seed'));
  writeFileSync(join(extra, 'seed', 'hello.txt'), 'seeded by the image\n');
  chmodSync(join(extra, 'seed'), 0o750);
  execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', extra, '-rf', out, './data', './data2']);
  execFileSync('tar', ['--numeric-owner', '--owner=1000', '--group=1000', '-C', extra, '-rf', out, './seed']);
  rmSync(extra, { recursive: true, force: true });
  return out;
}
