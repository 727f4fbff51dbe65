// /build (docker's classic builder API: a tar context as the body, the query
// parameters `docker build` sends, JSON lines as the classic builder prints
// them: `Step k/n : …` for the steps berth numbers (FROM and the file steps),
// ` ---> ID` after each, ` ---> Using cache`) and /commit. Both go to the engine the CLI uses (engine.build,
// containers.commit). BuildKit's own protocol (version=2: a gRPC session the
// client opens over /session) is not spoken: a docker CLI builds here with
// DOCKER_BUILDKIT=0, or with the classic builder by default, since /_ping
// says Builder-Version 1.
import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable } from 'node:stream';
import { familiar, parseReference, shortId } from '../engine/image/index.js';
import type { BuildProgress } from '../engine/build/index.js';
import { badRequest } from './errors.js';
import { qbool, sendJson, type Ctx } from './http.js';
import type { Router } from './router.js';

/** A JSON query parameter docker sends as an object of strings (buildargs, labels); null values: taken as unset. */
function jsonMap(c: Ctx, name: string): Record<string, string | null> {
  const raw = c.query.get(name);
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string | null>;
  } catch { /* below */ }
  throw badRequest(`invalid ${name}: ${raw.slice(0, 100)}`);
}

/** The body as a tar: docker's CLI may gzip the context (--compress). */
async function tarBody(req: Readable): Promise<Readable> {
  const it = req[Symbol.asyncIterator]();
  const first = await it.next();
  const out = new PassThrough();
  const head: Buffer = first.done ? Buffer.alloc(0) : (first.value as Buffer);
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  (async () => {
    out.write(head);
    for (let r = await it.next(); !r.done; r = await it.next()) if (!out.write(r.value)) await new Promise((res) => out.once('drain', res));
    out.end();
  })().catch((e: Error) => out.destroy(e));
  return gz ? out.pipe(createGunzip()) : out;
}

/** The engine's build progress as the classic builder's lines: `Step k/n : TEXT`, output, ` ---> Using cache`. */
function classicProgress(write: (o: object) => void): BuildProgress {
  return {
    start: (_id, name) => {
      const m = /^\[(?:\S+ )?\s*(\d+)\/(\d+)\] (.*)$/s.exec(name);
      write({ stream: m ? `Step ${m[1]}/${m[2]} : ${m[3]}\n` : `${name}\n` });
    },
    output: (_id, data) => write({ stream: data.toString('utf8') }),
    cached: (_id, imageId) => write({ stream: ` ---> Using cache\n${imageId ? ` ---> ${shortId(imageId)}\n` : ''}` }),
    done: (_id, imageId) => { if (imageId) write({ stream: ` ---> ${shortId(imageId)}\n` }); },
    error: () => undefined,
  };
}

export function buildRoutes(r: Router): void {
  r.add('POST', '/build', async (c) => {
    const q = c.query;
    if (q.get('version') === '2') {
      throw badRequest('BuildKit sessions are not supported by berth: build with DOCKER_BUILDKIT=0 (the classic builder API), or with `berth build`');
    }
    if (q.get('remote')) throw badRequest('a remote build context is not supported by berth: send the context as the body');
    const buildArgs = Object.entries(jsonMap(c, 'buildargs')).flatMap(([k, v]) => (v === null ? [] : [`${k}=${v}`]));
    const labels = Object.fromEntries(Object.entries(jsonMap(c, 'labels')).map(([k, v]) => [k, v ?? '']));
    const network = q.get('networkmode') || undefined;
    if (network !== undefined && !['default', 'none', 'host', 'bridge'].includes(network)) throw badRequest(`network mode "${network}" is not supported for a build: use default, none or host`);
    const quiet = qbool(q, 'q');
    const res = c.res!;
    // a client that goes away cancels the build (the request's own 'close' only says its body was read)
    const abort = new AbortController();
    res.once('close', () => { if (!res.writableEnded) abort.abort(); });
    const context = await tarBody(c.req);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const write = (o: object) => { res.write(JSON.stringify(o) + '\r\n'); };
    try {
      const { image, tags } = await c.engine.build({
        context, dockerfile: q.get('dockerfile') || undefined, tags: q.getAll('t'), buildArgs, labels,
        target: q.get('target') || undefined, noCache: qbool(q, 'nocache'), pull: qbool(q, 'pull'),
        network: network === 'bridge' ? 'default' : network, signal: abort.signal,
        progress: quiet ? undefined : classicProgress(write),
      });
      write({ aux: { ID: image.id } });
      if (quiet) write({ stream: `${image.id}\n` });
      else {
        write({ stream: `Successfully built ${shortId(image.id)}\n` });
        for (const t of tags) write({ stream: `Successfully tagged ${familiar(parseReference(t))}\n` });
      }
    } catch (e) {
      const message = (e as Error).message;
      write({ errorDetail: { message }, error: message });
    }
    res.end();
  });

  // docker commit: the body is a container config whose fields become the image's (Cmd, Env, ...)
  r.add('POST', '/commit', async (c) => {
    const q = c.query;
    const container = q.get('container');
    if (!container) throw badRequest('container is required');
    const repo = q.get('repo');
    const tag = q.get('tag');
    const image = await c.engine.containers.commit(container, {
      reference: repo ? `${repo}${tag ? `:${tag}` : ''}` : undefined,
      changes: q.getAll('changes').flatMap((ch) => ch.split('\n')).filter((ch) => ch.trim() !== ''),
      message: q.get('comment') ?? undefined,
      author: q.get('author') ?? undefined,
    });
    sendJson(c, 201, { Id: image.id });
  });
}
