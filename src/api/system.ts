// /_ping, /version, /info, /system/df, /events and /auth: what clients ask first (the
// ping's Api-Version header is what they negotiate down to) and the whole-engine views.
import { BerthError, engineVersion, type EngineInfo } from '../engine/index.js';
import { watchEvents } from '../engine/events/index.js';
import { familiar, parseReference } from '../engine/image/index.js';
import { policyFrom } from '../engine/registry/index.js';
import { ApiError, badRequest } from './errors.js';
import { qfilters, readJson, sendJson, unixSeconds, type Ctx } from './http.js';
import { API_VERSION, MIN_API_VERSION, type Router } from './router.js';

function ping(c: Ctx): void {
  const res = c.res!;
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache', 'Builder-Version': '1' });
  res.end(c.req.method === 'HEAD' ? undefined : 'OK');
}

function version(c: Ctx): void {
  const v = engineVersion();
  const details = { ApiVersion: API_VERSION, Arch: v.Arch, BuildTime: '', Experimental: 'false', GitCommit: '', GoVersion: `node${v.NodeVersion}`, KernelVersion: v.KernelVersion, MinAPIVersion: MIN_API_VERSION, Os: v.Os };
  sendJson(c, 200, {
    Platform: { Name: 'berth' },
    Components: [{ Name: 'Engine', Version: v.Version, Details: details }],
    Version: v.Version, ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: '', GoVersion: `node${v.NodeVersion}`,
    Os: v.Os, Arch: v.Arch, KernelVersion: v.KernelVersion, BuildTime: '',
  });
}

/** docker's /info from the engine's: the same facts under docker's names. */
export function infoJson(i: EngineInfo): Record<string, unknown> {
  return {
    ID: '', Containers: i.Containers, ContainersRunning: i.ContainersRunning, ContainersPaused: i.ContainersPaused, ContainersStopped: i.ContainersStopped,
    Images: i.Images, Driver: i.Driver, DriverStatus: [], Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['k8s-file'] },
    MemoryLimit: true, SwapLimit: true, CpuCfsPeriod: true, CpuCfsQuota: true, CPUShares: true, CPUSet: true, PidsLimit: true,
    IPv4Forwarding: true, Debug: false, NFd: 0, OomKillDisable: false, NGoroutines: 0, SystemTime: new Date().toISOString(),
    LoggingDriver: 'k8s-file', CgroupDriver: i.CgroupDriver, CgroupVersion: i.CgroupVersion, NEventsListener: 0,
    KernelVersion: i.KernelVersion, OperatingSystem: i.OperatingSystem, OSVersion: '', OSType: i.OSType, Architecture: i.Architecture,
    IndexServerAddress: 'https://index.docker.io/v1/', RegistryConfig: null, NCPU: i.NCPU, MemTotal: i.MemTotal,
    DockerRootDir: i.RootDir, HttpProxy: '', HttpsProxy: '', NoProxy: '', Name: 'berth', Labels: [], ExperimentalBuild: false,
    ServerVersion: i.ServerVersion, Runtimes: { berth: { path: i.Monitor } }, DefaultRuntime: 'berth', Swarm: { LocalNodeState: 'inactive' },
    LiveRestoreEnabled: false, Isolation: '', InitBinary: 'berth-init', SecurityOptions: i.SecurityOptions, Warnings: i.Problems,
  };
}

async function df(c: Ctx): Promise<void> {
  const du = await c.engine.diskUsage();
  sendJson(c, 200, {
    LayersSize: du.imageLayers.total,
    Images: du.images.map(({ image: i, containers }) => ({
      Id: i.id, ParentId: '', RepoTags: i.repoTags.map((t) => familiar(parseReference(t))), RepoDigests: [], Created: unixSeconds(i.created),
      Size: i.size, SharedSize: -1, VirtualSize: i.size, Labels: i.config.Labels ?? {}, Containers: containers,
    })),
    Containers: du.containers.map(({ summary: s, size }) => ({
      Id: s.id, Names: [`/${s.name}`], Image: s.image, ImageID: s.imageId, Command: s.command, Created: unixSeconds(s.created),
      Ports: [], SizeRw: size, SizeRootFs: size, Labels: s.labels, State: s.state, Status: s.status, Mounts: [],
    })),
    Volumes: du.volumes.map((v) => ({ Name: v.name, Driver: 'local', Mountpoint: '', Labels: {}, Scope: 'local', Options: {}, UsageData: { Size: v.size, RefCount: v.containers.length } })),
    BuildCache: [],
  });
}

/** Streamed events as docker's JSON lines: since/until (unix seconds) and filters type, event, container, image. */
async function events(c: Ctx): Promise<void> {
  const since = c.query.get('since'), until = c.query.get('until');
  const sinceMs = since ? Number(since) * 1000 : undefined, untilMs = until ? Number(until) * 1000 : undefined;
  if ((sinceMs !== undefined && !Number.isFinite(sinceMs)) || (untilMs !== undefined && !Number.isFinite(untilMs))) throw badRequest('invalid since or until');
  const filters = new Map<string, string[]>();
  for (const f of qfilters(c.query)) {
    const eq = f.indexOf('=');
    const k = f.slice(0, eq);
    filters.set(k, [...(filters.get(k) ?? []), f.slice(eq + 1)]);
  }
  const res = c.res!;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const ac = new AbortController();
  res.once('close', () => ac.abort());
  const stopAt = untilMs !== undefined ? setTimeout(() => ac.abort(), Math.max(0, untilMs - Date.now())) : undefined;
  const ok = (k: string, v: (string | undefined)[]) => !filters.has(k) || filters.get(k)!.some((x) => v.some((y) => y !== undefined && (y === x || (k !== 'type' && k !== 'event' && y.startsWith(x)))));
  try {
    for await (const ev of watchEvents(c.engine.layout, { signal: ac.signal, fromStart: sinceMs !== undefined })) {
      const t = Date.parse(ev.time);
      if (sinceMs !== undefined && t < sinceMs) continue;
      if (untilMs !== undefined && t > untilMs) break;
      const attrs = Object.fromEntries(Object.entries(ev.attributes ?? {}).map(([k, v]) => [k, String(v)]));
      if (ev.name) attrs.name = ev.name;
      if (!ok('type', [ev.type]) || !ok('event', [ev.action, ev.action.split(':')[0]])) continue;
      if (!ok('container', ev.type === 'container' ? [ev.id, ev.name] : [undefined])) continue;
      if (!ok('image', [attrs.image, ev.type === 'image' ? ev.id : undefined])) continue;
      res.write(JSON.stringify({
        status: ev.action, id: ev.id, from: attrs.image, Type: ev.type, Action: ev.action, Actor: { ID: ev.id, Attributes: attrs },
        scope: 'local', time: Math.floor(t / 1000), timeNano: t * 1e6,
      }) + '\n');
    }
  } finally {
    clearTimeout(stopAt);
    res.end();
  }
}

/** docker login through the API: the credentials checked against the registry; docker's
 * client keeps them and sends them with each pull and push (X-Registry-Auth). */
async function auth(c: Ctx): Promise<void> {
  const b = await readJson<{ username?: string; password?: string; serveraddress?: string }>(c);
  if (!b.username || !b.password) throw badRequest('username and password are required');
  try {
    await c.engine.registry.checkLogin(b.serveraddress ?? '', { username: b.username, password: b.password }, policyFrom());
  } catch (e) {
    // docker: 401 for refused credentials, and its words for them
    if (e instanceof BerthError && /unauthori[sz]ed|denied|401/i.test(e.message)) throw new ApiError(401, e.message);
    throw e;
  }
  sendJson(c, 200, { Status: 'Login Succeeded', IdentityToken: '' });
}

export function systemRoutes(r: Router): void {
  r.add('GET', '/_ping', ping);
  r.add('GET', '/version', version);
  r.add('GET', '/info', async (c) => sendJson(c, 200, infoJson(await c.engine.info())));
  r.add('GET', '/system/df', df);
  r.add('GET', '/events', events);
  r.add('POST', '/auth', auth);
}
