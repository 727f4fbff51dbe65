// /containers/{id}/archive: docker cp's three requests. HEAD describes a path (the
// X-Docker-Container-Path-Stat header: base64 of its JSON), GET sends it as a tar with the
// same header, PUT unpacks a tar into an existing directory. The engine's copy module
// resolves every path inside the container's root, as for `berth cp`.
import type { PathStat } from '../engine/container/index.js';
import { badRequest } from './errors.js';
import { sendEmpty, type Ctx } from './http.js';
import type { Router } from './router.js';

const statHeader = (s: PathStat): string => Buffer.from(JSON.stringify(s)).toString('base64');

function pathOf(c: Ctx): string {
  const p = c.query.get('path');
  if (!p) throw badRequest('path is required');
  return p.startsWith('/') ? p : `/${p}`;
}

export function archiveRoutes(r: Router): void {
  r.add('HEAD', '/containers/{id}/archive', async (c) => {
    const st = await c.engine.containers.statPath(c.params[0], pathOf(c));
    c.res!.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(st) });
    c.res!.end();
  });

  r.add('GET', '/containers/{id}/archive', async (c) => {
    const path = pathOf(c);
    const st = await c.engine.containers.statPath(c.params[0], path);
    c.res!.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': statHeader(st) });
    await c.engine.containers.copyFrom(c.params[0], path, c.res!);
    c.res!.end();
  });

  r.add('PUT', '/containers/{id}/archive', async (c) => {
    await c.engine.containers.copyTo(c.params[0], c.req, pathOf(c), { archive: c.query.get('copyUIDGID') === 'true' || c.query.get('copyUIDGID') === '1' });
    sendEmpty(c, 200);
  });
}
