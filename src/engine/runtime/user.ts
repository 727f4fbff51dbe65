// `-u USER[:GROUP]` and `--group-add` resolved the way Docker does (runc's
// GetExecUser and GetAdditionalGroups, moby's getUser): names are looked up in
// the container's own /etc/passwd and /etc/group, numeric ids need no file.
// The process's groups are docker's AdditionalGids: the primary gid, then the
// /etc/group entries listing the user (only without an explicit group), then
// the --group-add ones.
import { closeSync, constants as C, fstatSync, readSync } from 'node:fs';
import { openInRoot } from '../../native/index.js';
import { invalid } from '../errors.js';
import { findInLayers } from './layered-lookup.js';

export interface ResolvedUser { uid: number; gid: number; groups: number[]; home: string }

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 2 ** 31 - 1; // runc: "uids and gids must be in range 0-2147483647"
const MAX_FILE = 4 << 20;   // a passwd or group file larger than this is not worth reading

const parseId = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined);

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    const uid = parseId(f[2] ?? ''), gid = parseId(f[3] ?? '');
    if (f.length < 4 || uid === undefined || gid === undefined) continue; // malformed: skipped, as libc does
    out.push({ name: f[0], uid, gid, home: f[5] ?? '' });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const f = line.split(':');
    const gid = parseId(f[2] ?? '');
    if (f.length < 3 || gid === undefined) continue;
    out.push({ name: f[0], gid, members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) });
  }
  return out;
}

/** Reads a regular file of the container's root. The layer is opened with RESOLVE_IN_ROOT
 * (defence in depth: the layered lookup already refused symlinks leaving the root) and
 * O_NONBLOCK, so a fifo swapped in meanwhile cannot hang berth; fstat then refuses it. */
export function readContainerFile(rootDirs: string[], path: string): string | undefined {
  const found = findInLayers(rootDirs, path);
  if (!found) return undefined;
  const fd = openInRoot(found.layer, found.path, C.O_RDONLY | C.O_NONBLOCK | C.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const buf = Buffer.alloc(Math.min(st.size, MAX_FILE));
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function checkRange(id: number, what: string): number {
  if (id > MAX_ID) throw invalid(`${what} ${id} is out of range 0-${MAX_ID}`);
  return id;
}

/** `--group-add` values as docker takes them: a group name, or a number in range. */
export function checkGroupAdd(groups: readonly string[]): string[] {
  for (const g of groups) {
    if (g === '' || g.includes(':') || /\s/.test(g)) throw invalid(`invalid --group-add ${JSON.stringify(g)}: give a group name or number`);
    const n = parseId(g);
    if (n !== undefined) checkRange(n, 'gid');
  }
  return [...groups];
}

/** Resolves `user` ("", "name", "uid", "name:group", "uid:gid", ...) and the --group-add
 * groups against the container's root, given as overlay layers top first (its upper dir,
 * then the image's layer dirs). */
export function resolveUser(rootDirs: string[], user: string, groupAdd: readonly string[] = []): ResolvedUser {
  const parts = user.split(':');
  if (parts.length > 2) throw invalid(`invalid user ${JSON.stringify(user)}: use NAME|UID[:GROUP|GID]`);
  const userArg = parts[0], groupArg = parts[1];
  const uidArg = parseId(userArg);

  // passwd: only needed for a name, or to find a numeric user's name, gid and home
  const passwd = parsePasswd(readContainerFile(rootDirs, '/etc/passwd') ?? '');
  const entry = userArg === ''
    ? passwd.find((p) => p.uid === 0)
    : uidArg !== undefined ? passwd.find((p) => p.uid === uidArg) : passwd.find((p) => p.name === userArg);
  if (userArg !== '' && uidArg === undefined && !entry) {
    throw invalid(`unable to find user ${userArg}: no matching entries in passwd file`);
  }
  const uid = checkRange(uidArg ?? entry?.uid ?? 0, 'uid');
  let gid = entry?.gid ?? 0;
  const home = entry?.home || '/';

  const needGroups = (groupArg !== undefined ? parseId(groupArg) === undefined : entry !== undefined) ||
    groupAdd.some((g) => parseId(g) === undefined);
  const groupFile = needGroups ? parseGroup(readContainerFile(rootDirs, '/etc/group') ?? '') : [];
  let groups: number[] = [];
  if (groupArg !== undefined) {
    // an explicit group takes precedence: it is the primary group, and no supplementary ones are added
    if (groupArg === '') throw invalid(`invalid user ${JSON.stringify(user)}: empty group`);
    const gidArg = parseId(groupArg);
    if (gidArg !== undefined) {
      gid = gidArg;
    } else {
      const g = groupFile.find((x) => x.name === groupArg);
      if (!g) throw invalid(`unable to find group ${groupArg}: no matching entries in group file`);
      gid = g.gid;
    }
  } else if (entry) {
    groups = [...new Set(groupFile.filter((g) => g.members.includes(entry.name)).map((g) => g.gid))];
  }
  // runc's GetAdditionalGroups: a name or number found in the file, else a number as it is
  const added = groupAdd.map((g) => {
    const found = groupFile.find((x) => x.name === g || String(x.gid) === g);
    if (found) return found.gid;
    const n = parseId(g);
    if (n === undefined) throw invalid(`unable to find group ${g}: no matching entries in group file`);
    return checkRange(n, 'gid');
  });
  checkRange(gid, 'gid');
  return { uid, gid, groups: [...new Set([gid, ...groups, ...added])], home };
}
