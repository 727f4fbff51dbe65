// /containers: list, create, inspect and the lifecycle verbs. docker's status codes for
// what is already so: 304 for a start of a running container or a stop of a stopped one.
// The streams (attach, logs, wait, stats) are in container-io.ts.
import type { ContainerSummary } from '../engine/container/index.js';
import { BerthError } from '../engine/index.js';
import { createOptions, type CreateBody } from './create-body.js';
import { badRequest } from './errors.js';
import { qbool, qfilters, qint, readJson, sendEmpty, sendJson, unixSeconds, type Ctx } from './http.js';
import type { Router } from './router.js';

const isRunning = (c: Ctx, id: string): boolean => {
  const cs = c.engine.containers;
  return cs.state(cs.find(id)).running;
};

async function listRow(c: Ctx, s: ContainerSummary, size: boolean): Promise<Record<string, unknown>> {
  const ports = s.state === 'running' ? safePorts(c, s.id) : [];
  const row: Record<string, unknown> = {
    Id: s.id,
    Names: [`/${s.name}`],
    Image: s.image,
    ImageID: s.imageId,
    Command: s.command,
    Created: unixSeconds(s.created),
    Ports: ports,
    Labels: s.labels,
    State: s.state,
    Status: s.status,
    HostConfig: { NetworkMode: s.networks[0] ?? 'none' },
    NetworkSettings: { Networks: Object.fromEntries(s.networks.map((n) => [n, {}])) },
    Mounts: s.mounts.map((m) => ({ Type: m.type, Name: m.name ?? '', Source: m.source, Destination: m.target, RW: true })),
  };
  if (size) {
    const { rw, rootFs } = await c.engine.containerSize(s);
    row.SizeRw = rw;
    row.SizeRootFs = rootFs;
  }
  return row;
}

function safePorts(c: Ctx, id: string): Record<string, unknown>[] {
  try {
    return c.engine.containers.ports(id).map((p) => ({
      ...(p.hostPort ? { IP: p.hostIp || '0.0.0.0', PublicPort: p.hostPort } : {}), PrivatePort: p.containerPort, Type: p.proto,
    }));
  } catch {
    return []; // stopped meanwhile
  }
}

export function containerRoutes(r: Router): void {
  r.add('GET', '/containers/json', async (c) => {
    const list = await c.engine.listContainers({ all: qbool(c.query, 'all'), limit: qint(c.query, 'limit'), filters: qfilters(c.query) });
    const size = qbool(c.query, 'size');
    sendJson(c, 200, await Promise.all(list.map((s) => listRow(c, s, size))));
  });

  r.add('POST', '/containers/create', async (c) => {
    const body = await readJson<CreateBody>(c);
    const warnings: string[] = [];
    const name = c.query.get('name') ?? undefined;
    const rec = await c.engine.containers.create(createOptions(body, name?.replace(/^\//, ''), (w) => warnings.push(w)));
    const size = body.HostConfig?.ConsoleSize as [number, number] | undefined;
    if (rec.config.tty && size?.[0] && size[1]) c.state.ttySize.set(rec.id, { rows: size[0], cols: size[1] });
    sendJson(c, 201, { Id: rec.id, Warnings: warnings });
  });

  r.add('GET', '/containers/{id}/json', (c) => {
    const info = c.engine.containers.inspect(c.params[0]);
    if (qbool(c.query, 'size')) {
      // docker fills these only when asked (walks the container's upper dir)
      return c.engine.containerSize(c.engine.containers.list({ all: true }).find((s) => s.id === info.Id)!).then(({ rw, rootFs }) =>
        sendJson(c, 200, { ...info, SizeRw: rw, SizeRootFs: rootFs }));
    }
    sendJson(c, 200, info);
  });

  r.add('POST', '/containers/{id}/start', async (c) => {
    const id = c.engine.containers.find(c.params[0]).id;
    if (isRunning(c, id)) return sendEmpty(c, 304);
    // clients that attached first (docker run) get the start in the foreground for them
    const pending = c.state.takePending(id);
    try {
      await c.engine.containers.start(id, {
        ttySize: c.state.ttySize.get(id), ...(pending.length ? { foreground: { stdin: pending.some((p) => p.stdin) } } : {}),
      });
    } catch (e) {
      for (const p of pending) p.started(e);
      throw e;
    }
    for (const p of pending) p.started();
    sendEmpty(c);
  });

  r.add('POST', '/containers/{id}/stop', async (c) => {
    const id = c.engine.containers.find(c.params[0]).id;
    if (!isRunning(c, id)) return sendEmpty(c, 304);
    await c.engine.containers.stop(id, { timeout: qint(c.query, 't') ?? qint(c.query, 'timeout'), signal: c.query.get('signal') || undefined });
    sendEmpty(c);
  });

  r.add('POST', '/containers/{id}/restart', async (c) => {
    await c.engine.containers.restart(c.params[0], { timeout: qint(c.query, 't') ?? qint(c.query, 'timeout') });
    sendEmpty(c);
  });

  r.add('POST', '/containers/{id}/kill', async (c) => {
    const rec = c.engine.containers.find(c.params[0]);
    if (!isRunning(c, rec.id)) throw new BerthError('CONFLICT', `Container ${rec.id} is not running`);
    const signal = c.query.get('signal') || undefined;
    await c.engine.containers.killByUser(rec.id, signal);
    // docker: a SIGKILL (the default) returns once the container has stopped
    if (!signal || /^(SIG)?KILL$|^9$/i.test(signal)) {
      const running = () => { try { return isRunning(c, rec.id); } catch { return false; } }; // --rm: gone
      for (let i = 0; i < 200 && running(); i++) await new Promise((r) => setTimeout(r, 50));
    }
    sendEmpty(c);
  });

  r.add('DELETE', '/containers/{id}', async (c) => {
    const id = c.engine.containers.find(c.params[0]).id;
    await c.engine.containers.remove(id, { force: qbool(c.query, 'force'), volumes: qbool(c.query, 'v') });
    c.state.ttySize.delete(id);
    sendEmpty(c);
  });

  r.add('POST', '/containers/{id}/rename', async (c) => {
    const name = c.query.get('name');
    if (!name) throw badRequest('Invalid container name: empty');
    await c.engine.containers.rename(c.params[0], name.replace(/^\//, ''));
    sendEmpty(c);
  });

  r.add('POST', '/containers/{id}/pause', async (c) => { await c.engine.containers.pause(c.params[0]); sendEmpty(c); });
  r.add('POST', '/containers/{id}/unpause', async (c) => { await c.engine.containers.unpause(c.params[0]); sendEmpty(c); });

  r.add('POST', '/containers/{id}/update', async (c) => {
    const body = await readJson<CreateBody['HostConfig'] & Record<string, unknown>>(c);
    const warnings: string[] = [];
    const opts = createOptions({ Image: '-', HostConfig: body ?? {} }, undefined, (w) => warnings.push(w));
    const policy = (body as { RestartPolicy?: { Name?: string } } | null)?.RestartPolicy;
    if (opts.resources) await c.engine.containers.update(c.params[0], opts.resources, (w) => warnings.push(w));
    if (policy?.Name !== undefined) await c.engine.containers.setRestartPolicy(c.params[0], opts.restart ?? 'no');
    sendJson(c, 200, { Warnings: warnings });
  });

  r.add('GET', '/containers/{id}/top', (c) => {
    const args = c.query.get('ps_args');
    const t = c.engine.containers.topPs(c.params[0], args ? args.split(/\s+/).filter(Boolean) : ['-ef']);
    sendJson(c, 200, { Titles: t.titles, Processes: t.processes });
  });

  r.add('GET', '/containers/{id}/changes', async (c) => {
    const kinds = { C: 0, A: 1, D: 2 } as const;
    sendJson(c, 200, (await c.engine.containers.diff(c.params[0])).map((ch) => ({ Path: ch.path, Kind: kinds[ch.kind] })));
  });

  r.add('GET', '/containers/{id}/export', async (c) => {
    const id = c.engine.containers.find(c.params[0]).id;
    c.res!.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await c.engine.containers.export(id, c.res!);
    c.res!.end();
  });

  r.add('POST', '/containers/prune', async (c) => {
    if (qfilters(c.query).length) throw badRequest('container prune: filters are not supported by berth yet');
    const { deleted, reclaimed } = await c.engine.containers.prune();
    sendJson(c, 200, { ContainersDeleted: deleted, SpaceReclaimed: reclaimed });
  });
}
