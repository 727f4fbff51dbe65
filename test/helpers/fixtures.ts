// Test fixtures built at test time, never committed: a busybox root filesystem
// from Debian's busybox-static package (apt-get download + dpkg -x into .cache/,
// no host install), packed as a tarball that tests import through berth itself.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/native/index.js';

export const cacheDir = join(packageRoot, '.cache');

/** Path of a busybox rootfs tarball (bin/busybox + one symlink per applet, /etc/passwd, /etc/group). */
export function busyboxTar(): string {
  const out = join(cacheDir, 'busybox-rootfs.tar');
  if (existsSync(out)) return out;
  const bin = busyboxBinary();
  const root = join(cacheDir, 'busybox-rootfs');
  rmSync(root, { recursive: true, force: true });
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'etc', 'root', 'tmp', 'var/tmp', 'home']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  chmodSync(join(root, 'tmp'), 0o1777);
  chmodSync(join(root, 'var/tmp'), 0o1777);
  copyFileSync(bin, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  const applets = execFileSync(bin, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    const p = join(root, a);
    if (!existsSync(p)) symlinkSync('/bin/busybox', p);
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nuser:x:1000:1000:user:/home:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n');
  const tmp = `${out}.tmp-${process.pid}`;
  execFileSync('tar', ['--numeric-owner', '-C', root, '-cf', tmp, '.']);
  execFileSync('mv', [tmp, out]);
  return out;
}

/** The static busybox binary from Debian's busybox-static package (downloaded once into .cache/). */
export function busyboxBinary(): string {
  const dir = join(cacheDir, 'busybox-static');
  const bin = join(dir, 'bin', 'busybox');
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const dl = join(cacheDir, 'deb');
  rmSync(dl, { recursive: true, force: true });
  mkdirSync(dl);
  try {
    execFileSync('apt-get', ['download', 'busybox-static'], { cwd: dl, stdio: 'pipe' });
  } catch {
    // the package lists may be missing on a fresh machine
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
    execFileSync('apt-get', ['download', 'busybox-static'], { cwd: dl, stdio: 'pipe' });
  }
  const deb = readdirSync(dl).find((n) => n.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download busybox-static produced no .deb');
  execFileSync('dpkg', ['-x', join(dl, deb), dir]);
  if (!existsSync(bin)) throw new Error(`busybox-static did not contain ${bin}`);
  return bin;
}

/** `run` flags that let a busybox container run this host's node (read-only binds of the binary,
 * the loader and the libraries it links): servers and load generators the busybox applets lack
 * (a UDP server, a TCP sender). Debian's merged /usr layout. */
export function hostNodeFlags(): string[] {
  return ['-v', '/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro', '-v', '/usr/lib64:/lib64:ro', '-v', `${process.execPath}:/bin/node:ro`];
}
