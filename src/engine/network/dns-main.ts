// A network's resolver process: node -- dns-main.js ROOT NETWORK_ID, started
// detached by resolver.ts. Answers on the network's gateway, port 53, from the
// network records as they are at each query (a few small JSON files, read
// afresh so a container's name resolves from the moment its endpoint is
// written, with no reload to race), and passes other names to the host's
// resolvers. A watch on the records notices when its network is empty or gone
// and ends the process then (under the resolver lock, see resolver.ts); the
// engine normally stops it before that. SIGHUP (aardvark-dns's reload) is
// harmless: there is nothing to reload.
import { rmSync, watch, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Layout } from '../store/layout.js';
import { writeJson } from '../store/atomic.js';
import { tryLock } from '../store/lock.js';
import { procStartTime } from '../proc.js';
import { NetworkStore } from './store.js';
import { answerQuery, serverFailure } from './dns-answer.js';
import { querierEndpoint } from './dns-names.js';
import { forwardQuery } from './dns-forward.js';
import { listenDns } from './dns-listen.js';
import { resolverFiles, type ResolverPid } from './resolver.js';

const [root, networkId] = process.argv.slice(2);
const layout = new Layout(root);
const store = new NetworkStore(layout);
const files = resolverFiles(layout, networkId);

const gateway = (n: { IPAM: { Config: { Gateway: string }[] } }): string => n.IPAM.Config[0].Gateway;
const own = () => store.list().find((n) => n.Id === networkId);

function idle(): boolean {
  const n = own();
  return !n || Object.keys(n.Containers).length === 0;
}

/** Ends the process if its network no longer needs it; retried later if a start or stop holds the lock. */
function exitIfIdle(): void {
  if (!idle()) return;
  try {
    // exits while holding the lock: whoever waits for it next finds this resolver gone
    tryLock(files.lock, () => {
      if (!idle()) return;
      rmSync(files.pid, { force: true });
      process.exit(0);
    });
  } catch {
    process.exit(0); // the lock file went with the network
  }
}

async function main(): Promise<void> {
  const n = own();
  if (!n) throw new Error(`network ${networkId} does not exist`);
  await listenDns(gateway(n), async (query, source, tcp) => {
    const all = store.list();
    const me = all.find((x) => x.Id === networkId);
    if (!me) return undefined;
    const a = answerQuery(query, source, all, networkId, me.Internal);
    if ('reply' in a) return a.reply;
    const servers = querierEndpoint(all, networkId, source)?.DNSServers; // its --dns
    const self = new Set(all.map(gateway));
    return await (servers?.length ? forwardQuery(query, tcp, self, servers) : forwardQuery(query, tcp, self)) ?? serverFailure(query);
  });
  const pid: ResolverPid = { pid: process.pid, startTime: procStartTime(process.pid)! };
  writeJson(files.pid, pid);
  process.on('SIGHUP', () => {});
  let pending: NodeJS.Timeout | undefined;
  watch(join(root, 'networks'), () => {
    pending ??= setTimeout(() => { pending = undefined; exitIfIdle(); }, 50);
  });
  setInterval(exitIfIdle, 30_000); // a watch can miss events (overflow): a slow fallback
  writeSync(1, 'ready\n'); // the starter reads one line, then closes its end: nothing more goes to fd 1
}

main().catch((e: unknown) => {
  writeSync(1, `error: ${(e as Error).message}\n`);
  process.exit(1);
});
