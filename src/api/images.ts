// /images: list, inspect, history, tag, remove, prune, pull (create) and push with
// docker's JSON progress stream, save (get) and load. Registry credentials come as
// docker sends them (X-Registry-Auth); without them the engine's own lookup in docker's
// config.json applies, as for the CLI.
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { familiar, familiarName, parseReference, shortId, type ImageRecord } from '../engine/image/index.js';
import { policyFrom, type Credentials, type ProgressSink } from '../engine/registry/index.js';
import { badRequest } from './errors.js';
import { qbool, qfilters, sendJson, unixSeconds, type Ctx } from './http.js';
import type { Router } from './router.js';

/** docker's short forms: "bb:latest", "127.0.0.1:5000/x:1". */
const familiarTags = (i: ImageRecord): string[] => i.repoTags.map((t) => familiar(parseReference(t)));
const familiarDigests = (i: ImageRecord): string[] => i.repoDigests.map((d) => { const [n, dg] = d.split('@'); return `${familiarName(parseReference(n))}@${dg}`; });

function listRow(i: ImageRecord, containers: number): Record<string, unknown> {
  return {
    Id: i.id, ParentId: '', RepoTags: familiarTags(i), RepoDigests: familiarDigests(i), Created: unixSeconds(i.created),
    Size: i.size, SharedSize: -1, VirtualSize: i.size, Labels: i.config.Labels ?? {}, Containers: containers,
  };
}

/** The engine's progress port as docker's JSON lines. */
function jsonProgress(write: (o: object) => void): ProgressSink {
  return {
    line: (status) => write({ status }),
    status: (digest, status, bytes) => write({ status, progressDetail: bytes ? { current: bytes.done, total: bytes.total } : {}, id: shortId(digest) }),
    end: () => {},
  };
}

/** A progress stream: 200 and JSON lines; an error after the headers is an errorDetail line. */
async function progressStream(c: Ctx, run: (write: (o: object) => void) => Promise<void>): Promise<void> {
  const res = c.res!;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const write = (o: object) => { res.write(JSON.stringify(o) + '\r\n'); };
  try {
    await run(write);
  } catch (e) {
    const message = (e as Error).message;
    write({ errorDetail: { message }, error: message });
  }
  res.end();
}

/** docker's X-Registry-Auth: base64url of {"username", "password", "serveraddress"}; absent or
 * empty (a client not logged in) = the engine's own lookup. */
export function registryAuth(c: Ctx): Credentials | undefined {
  const h = c.req.headers['x-registry-auth'];
  if (typeof h !== 'string' || !h) return undefined;
  let a: { username?: string; password?: string };
  try { a = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')); } catch { throw badRequest('invalid X-Registry-Auth header'); }
  return a?.username && a.password ? { username: a.username, password: a.password } : undefined;
}

/** Counts docker's "Containers" per image (-1 unless asked, as docker). */
function usersOf(c: Ctx): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of c.engine.containers.list({ all: true })) m.set(s.imageId, (m.get(s.imageId) ?? 0) + 1);
  return m;
}

/** The request body into a file of its own (load and import read a file). */
async function bodyToFile<T>(c: Ctx, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-api-'));
  try {
    const path = join(dir, 'body');
    await pipeline(c.req, createWriteStream(path));
    return await fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function imageRoutes(r: Router): void {
  r.add('GET', '/images/json', async (c) => {
    // `all` changes nothing: berth stores no intermediate images
    const images = await c.engine.listImages({ filters: qfilters(c.query) });
    const users = usersOf(c);
    sendJson(c, 200, images.map((i) => listRow(i, users.get(i.id) ?? 0)));
  });

  r.add('POST', '/images/create', async (c) => {
    const from = c.query.get('fromImage');
    const src = c.query.get('fromSrc');
    if (src) {
      if (src !== '-') throw badRequest('import from a URL is not supported by berth: send the archive as the body (fromSrc=-)');
      const repo = c.query.get('repo');
      const tag = c.query.get('tag');
      const ref = repo ? `${repo}${tag ? `:${tag}` : ''}` : undefined;
      const changes = c.query.getAll('changes');
      const message = c.query.get('message') ?? undefined;
      return bodyToFile(c, async (path) => {
        const img = await c.engine.images.import(path, ref, { changes, message });
        sendJson(c, 200, { status: img.id });
      });
    }
    if (!from) throw badRequest('fromImage or fromSrc is required');
    const tag = c.query.get('tag');
    const ref = tag && !from.includes('@') ? (/^sha256:/.test(tag) ? `${from}@${tag}` : `${from}:${tag}`) : from;
    const platform = c.query.get('platform') || undefined;
    await progressStream(c, async (write) => {
      const p = parseReference(ref);
      write({ status: `Pulling from ${familiarName(p)}`, id: p.tag ?? p.digest });
      const res = await c.engine.registry.pull(ref, { policy: policyFrom(), progress: jsonProgress(write), platform, credentials: registryAuth(c) });
      write({ status: `Digest: ${res.digest}` });
      write({ status: `Status: ${res.changed ? 'Downloaded newer image' : 'Image is up to date'} for ${familiar(res.reference)}` });
    });
  });

  r.add('POST', '/images/{name*}/push', async (c) => {
    const tag = c.query.get('tag');
    const ref = tag ? `${c.params[0]}:${tag}` : c.params[0];
    await progressStream(c, async (write) => {
      const p = parseReference(ref);
      write({ status: `The push refers to repository [${p.domain}/${p.path}]` });
      const res = await c.engine.registry.push(ref, { policy: policyFrom(), progress: jsonProgress(write), credentials: registryAuth(c) });
      write({ status: `${res.reference.tag}: digest: ${res.digest} size: ${res.size}` });
      write({ progressDetail: {}, aux: { Tag: res.reference.tag, Digest: res.digest, Size: res.size } });
    });
  });

  r.add('POST', '/images/{name*}/tag', async (c) => {
    const repo = c.query.get('repo');
    if (!repo) throw badRequest('repository name must have at least one component');
    const tag = c.query.get('tag') || 'latest';
    await c.engine.images.tag(c.params[0], `${repo}:${tag}`);
    sendJson(c, 201, {});
  });

  r.add('GET', '/images/{name*}/json', async (c) => sendJson(c, 200, await c.engine.images.inspect(c.params[0])));

  r.add('GET', '/images/{name*}/history', async (c) => {
    const rows = await c.engine.images.history(c.params[0]);
    sendJson(c, 200, rows.map((h) => ({ Id: h.id, Created: unixSeconds(h.created), CreatedBy: h.createdBy, Tags: null, Size: h.size, Comment: h.comment })));
  });

  r.add('DELETE', '/images/{name*}', async (c) => {
    const res = await c.engine.removeImage(c.params[0], { force: qbool(c.query, 'force') });
    sendJson(c, 200, [...res.untagged.map((u) => ({ Untagged: familiar(parseReference(u)) })), ...res.deleted.map((d) => ({ Deleted: d }))]);
  });

  r.add('POST', '/images/prune', async (c) => {
    const dangling = qfilters(c.query).find((f) => f.startsWith('dangling='));
    const res = await c.engine.pruneImages({ all: dangling === 'dangling=false' || dangling === 'dangling=0' });
    sendJson(c, 200, {
      ImagesDeleted: res.removed.flatMap((r) => [...r.untagged.map((u) => ({ Untagged: familiar(parseReference(u)) })), ...r.deleted.map((d) => ({ Deleted: d }))]),
      SpaceReclaimed: res.reclaimed,
    });
  });

  const save = async (c: Ctx, names: string[]) => {
    if (!names.length) throw badRequest('no images to save');
    for (const n of names) await c.engine.images.get(n); // a missing one is a 404 before the headers
    c.res!.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await c.engine.images.save(names, 'docker-archive', c.res!);
    c.res!.end();
  };
  r.add('GET', '/images/get', (c) => save(c, c.query.getAll('names')));
  r.add('GET', '/images/{name*}/get', (c) => save(c, [c.params[0]]));

  r.add('POST', '/images/load', (c) => bodyToFile(c, async (path) => {
    const loaded = await c.engine.images.load(path);
    const quiet = qbool(c.query, 'quiet');
    const lines = loaded.flatMap((l) => l.tags.length ? l.tags.map((t) => `Loaded image: ${familiar(parseReference(t))}`) : [`Loaded image ID: ${l.image.id}`]);
    c.res!.writeHead(200, { 'Content-Type': 'application/json' });
    c.res!.end(quiet ? '' : lines.map((stream) => JSON.stringify({ stream: stream + '\n' })).join('\r\n') + '\r\n');
  }));
}
