// `system service`: the Docker Engine API (src/api) on a unix socket or loopback TCP,
// until idle for --time seconds (podman's flag; 0 = never). Off-loopback TCP needs
// --tlsverify with --tlscacert/--tlscert/--tlskey, as dockerd's.
import type { CommandModule } from 'yargs';
import { DEFAULT_SOCKET, parseHost, serve } from '../../api/index.js';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';

interface ServiceArgs extends GlobalArgs {
  host?: string;
  time?: number;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

export const serviceCommand: CommandModule<GlobalArgs, ServiceArgs> = {
  command: 'service',
  describe: "Serve the Docker Engine API (docker's clients drive berth; whoever can reach it is root here)",
  builder: (y) =>
    y.option('host', { alias: 'H', type: 'string', describe: `unix:///PATH or tcp://127.0.0.1:PORT (default unix://${DEFAULT_SOCKET})` })
      .option('time', { alias: 't', type: 'number', default: 5, describe: 'seconds without a request before the service ends (0 = never)' })
      .option('tlsverify', { type: 'boolean', describe: 'TLS, and only clients with a certificate signed by --tlscacert' })
      .option('tlscacert', { type: 'string', describe: 'CA of the client certificates' })
      .option('tlscert', { type: 'string', describe: "the service's certificate" })
      .option('tlskey', { type: 'string', describe: "the service's key" }) as never,
  handler: async (a) => {
    const time = a.time ?? 5;
    if (!Number.isFinite(time) || time < 0) throw new BerthError('INVALID_ARGUMENT', `invalid --time ${a.time}: give seconds, 0 for no limit`);
    let tls;
    if (a.tlsverify) {
      if (!a.tlscacert || !a.tlscert || !a.tlskey) throw new BerthError('INVALID_ARGUMENT', '--tlsverify needs --tlscacert, --tlscert and --tlskey');
      tls = { ca: a.tlscacert, cert: a.tlscert, key: a.tlskey };
    }
    await serve(getEngine(a, { longLived: true }), {
      listen: parseHost(a.host ?? `unix://${DEFAULT_SOCKET}`), idleSeconds: time, tls,
      log: (line) => process.stderr.write(`berth service: ${line}\n`),
    });
  },
};
