// `port CONTAINER [PRIVATE_PORT[/PROTO]]`: the container's published ports,
// as docker prints them ("80/tcp -> 0.0.0.0:8080").
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { naturalLess } from '../../engine/network/index.js';

interface PortArgs extends GlobalArgs { container: string; port?: string }

export const portCommand: CommandModule<GlobalArgs, PortArgs> = {
  command: 'port <container> [port]',
  describe: 'List port mappings or a specific mapping for the container',
  builder: (y) =>
    y.positional('container', { type: 'string' })
      .positional('port', { type: 'string', describe: 'PRIVATE_PORT[/PROTO]' }) as never,
  handler: async (a) => {
    const all = getEngine(a).containers.ports(a.container);
    const [num, proto = 'tcp'] = (a.port ?? '').split('/');
    const shown = a.port ? all.filter((p) => String(p.containerPort) === num && p.proto === proto) : all;
    if (a.port && !shown.length) throw new BerthError('NOT_FOUND', `no public port '${num}/${proto}' published for ${a.container}`);
    // docker sorts the lines in natural order
    const lines = shown.map((p) => {
      const where = `${p.hostIp || '0.0.0.0'}:${p.hostPort}`;
      return a.port ? where : `${p.containerPort}/${p.proto} -> ${where}`;
    }).sort(naturalLess);
    for (const l of lines) process.stdout.write(`${l}\n`);
  },
};
