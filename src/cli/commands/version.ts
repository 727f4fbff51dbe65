// `version`: the client and the engine, in docker's layout and keys
// (`--format '{{.Server.Version}}'`, `--format json`). berth's engine is a
// library inside this same process, so both report one release; the server
// side says so instead of naming a daemon.
import type { CommandModule } from 'yargs';
import { engineVersion } from '../../engine/index.js';
import type { GlobalArgs } from '../context.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';

export const versionCommand: CommandModule<GlobalArgs, GlobalArgs & { format?: string }> = {
  command: 'version',
  describe: 'Show the berth version information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: 'format the output with a template, or "json"' }) as never,
  handler: (a) => {
    // docker: "json" is {{json .}}, one line; a template is parsed before anything is read
    const tpl = a.format ? compileTemplate(a.format.trim() === 'json' ? '{{json .}}' : a.format) : undefined;
    const v = engineVersion();
    const doc = {
      Client: { Platform: { Name: 'berth' }, Version: v.Version, NodeVersion: v.NodeVersion, Os: v.Os, Arch: v.Arch },
      Server: {
        Platform: { Name: 'berth embedded engine (no daemon)' },
        Components: [{ Name: 'Engine', Version: v.Version, Details: { KernelVersion: v.KernelVersion, Os: v.Os, Arch: v.Arch } }],
        Version: v.Version, Os: v.Os, Arch: v.Arch, KernelVersion: v.KernelVersion,
      },
    };
    if (tpl) return void process.stdout.write(renderTemplate(tpl, doc) + '\n');
    const row = (indent: string, k: string, val: string) => `${indent}${`${k}:`.padEnd(20 - indent.length)}${val}`;
    process.stdout.write([
      `Client: ${doc.Client.Platform.Name}`,
      row(' ', 'Version', v.Version),
      row(' ', 'Node version', v.NodeVersion),
      row(' ', 'OS/Arch', `${v.Os}/${v.Arch}`),
      '',
      `Server: ${doc.Server.Platform.Name}`,
      ' Engine:',
      row('  ', 'Version', v.Version),
      row('  ', 'OS/Arch', `${v.Os}/${v.Arch}`),
      row('  ', 'Kernel Version', v.KernelVersion),
    ].join('\n') + '\n');
  },
};
