// `system dial-stdio`: docker's verb that an ssh endpoint runs on the far side
// (backend/ssh-dial.ts): stdin and stdout become one connection to the API, bytes
// copied both ways, a half-close passed on. It dials berth's service socket (or the
// -H given before the verb, as docker's dials its current endpoint), so
// `ssh://user@host` reaches a host where `berth system service` runs, docker CLI or not.
import { connect, type Socket } from 'node:net';
import type { CommandModule } from 'yargs';
import { DEFAULT_SOCKET } from '../../api/index.js';
import { BerthError } from '../../engine/index.js';
import type { GlobalArgs } from '../context.js';
import { chosenEndpoint, endpointChosen } from '../endpoint-flags.js';

/** Where to dial: berth's own service, or a unix/tcp endpoint named on the command line. */
function target(): { url: string; open: () => Socket } {
  const ep = endpointChosen() ? chosenEndpoint() : undefined;
  const host = ep && ep.kind === 'docker' ? ep.dockerHost ?? '' : `unix://${DEFAULT_SOCKET}`;
  if (host.startsWith('unix://')) return { url: host, open: () => connect(host.slice('unix://'.length)) };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(host);
  if (tcp && !ep?.tls) return { url: host, open: () => connect(Number(tcp[2]), tcp[1].replace(/^\[|\]$/g, '')) };
  throw new BerthError('UNSUPPORTED', `dial-stdio reaches unix:// and plain tcp:// endpoints, not ${host}`);
}

export const dialStdioCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'dial-stdio',
  describe: 'Proxy stdin/stdout to the API service (what an ssh:// endpoint runs on its far side)',
  handler: async () => {
    const t = target();
    const sock = t.open();
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (e) => reject(new BerthError('UNSUPPORTED', `Cannot connect to the berth service at ${t.url}. Is \`berth system service\` running? (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
      sock.once('connect', () => {
        sock.removeAllListeners('error');
        process.stdin.pipe(sock); // stdin's end half-closes the connection (docker's CloseWrite)
        sock.pipe(process.stdout);
        sock.on('error', () => sock.destroy());
        sock.on('close', () => resolve());
      });
    });
    // the far end closed: whatever stdin still holds is for no one
    process.stdin.destroy();
  },
};
