// `version`: the client and the engine, in docker's layout and keys
// (`--format '{{.Server.Version}}'`, `--format json`). berth's engine is a
// library inside this same process, so both report one release and the server
// side says so instead of naming a daemon; an endpoint's server is what its
// GET /version says.
import type { CommandModule } from 'yargs';
import { engineVersion } from '../../engine/index.js';
import { getBackend, type GlobalArgs } from '../context.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';

export const versionCommand: CommandModule<GlobalArgs, GlobalArgs & { format?: string }> = {
  command: 'version',
  describe: 'Show the berth version information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'format the output with a template, or "json"' }) as never,
  handler: async (a) => {
    // docker: "json" is {{json .}}, one line; a template is parsed before anything is read
    const tpl = a.format ? compileTemplate(a.format.trim() === 'json' ? '{{json .}}' : a.format) : undefined;
    const v = engineVersion();
    const server = await getBackend(a).serverVersion();
    const doc = {
      Client: { Platform: { Name: 'berth' }, Version: v.Version, NodeVersion: v.NodeVersion, Os: v.Os, Arch: v.Arch },
      Server: server,
    };
    if (tpl) return void process.stdout.write(renderTemplate(tpl, doc) + '\n');
    const row = (indent: string, k: string, val: string | undefined) => (val ? [`${indent}${`${k}:`.padEnd(20 - indent.length)}${val}`] : []);
    process.stdout.write([
      `Client: ${doc.Client.Platform.Name}`,
      ...row(' ', 'Version', v.Version),
      ...row(' ', 'Node version', v.NodeVersion),
      ...row(' ', 'OS/Arch', `${v.Os}/${v.Arch}`),
      '',
      `Server: ${server.Platform?.Name ?? ''}`,
      ' Engine:',
      ...row('  ', 'Version', server.Version),
      ...row('  ', 'API version', server.ApiVersion && `${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}`),
      ...row('  ', 'OS/Arch', `${server.Os}/${server.Arch}`),
      ...row('  ', 'Kernel Version', server.KernelVersion),
      // the daemon's other parts (containerd, runc, conmon, …), as docker's CLI lists them
      ...(server.Components ?? []).filter((c) => c.Name !== 'Engine').flatMap((c) => [` ${c.Name}:`, ...row('  ', 'Version', c.Version)]),
    ].join('\n') + '\n');
  },
};
