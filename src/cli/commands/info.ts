// `info`: system-wide information: the embedded engine's own, or an endpoint's
// GET /info in the lines docker's CLI prints for it.
import type { CommandModule } from 'yargs';
import { getBackend, type GlobalArgs } from '../context.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';
import { humanSize } from '../output.js';

export const infoCommand: CommandModule<GlobalArgs, GlobalArgs & { format?: string }> = {
  command: 'info',
  describe: 'Display system-wide information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: '"json", or a Go template ({{.ServerVersion}})' }) as never,
  handler: async (a) => {
    // docker: "json" is {{json .}}, one line
    const tpl = a.format ? compileTemplate(a.format.trim() === 'json' ? '{{json .}}' : a.format) : undefined;
    const b = getBackend(a);
    if (!b.embedded) {
      const doc = await b.serverInfo();
      if (tpl) return void process.stdout.write(renderTemplate(tpl, doc) + '\n');
      return void process.stdout.write(endpointLines(doc).join('\n') + '\n');
    }
    const i = await b.embedded.info();
    if (tpl) return void process.stdout.write(renderTemplate(tpl, i) + '\n');
    const lines = [
      `Containers: ${i.Containers}`,
      ` Running: ${i.ContainersRunning}`,
      ` Paused: ${i.ContainersPaused}`,
      ` Stopped: ${i.ContainersStopped}`,
      `Images: ${i.Images}`,
      `Server Version: berth ${i.ServerVersion} (embedded engine, no daemon)`,
      `Storage Driver: ${i.Driver}`,
      `Cgroup Driver: ${i.CgroupDriver}`,
      `Cgroup Version: ${i.CgroupVersion} (${i.CgroupMode})`,
      `Cgroup Limits: ${i.CgroupLimits.join(', ') || 'none'}`,
      'Security Options:',
      // docker's layout: the option's name, then its key=value pairs one level deeper
      ...i.SecurityOptions.flatMap((o) => {
        const kv = o.split(',').map((p) => p.split('='));
        return [` ${kv[0][1]}`, ...kv.slice(1).map(([k, v]) => `  ${k[0].toUpperCase()}${k.slice(1)}: ${v}`)];
      }),
      `Kernel Version: ${i.KernelVersion}`,
      `Operating System: ${i.OperatingSystem}`,
      `OSType: ${i.OSType}`,
      `Architecture: ${i.Architecture}`,
      `CPUs: ${i.NCPU}`,
      `Total Memory: ${humanSize(i.MemTotal)}`,
      `Root Dir: ${i.RootDir}`,
      `Monitor: ${i.Monitor}`,
      `Problems: ${i.Problems.length ? `${i.Problems.length} (berth system check --repair fixes what is safe)` : 'none found'}`,
      ...i.Problems.map((p) => ` ${p}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  },
};

/** docker's CLI's server section (cli/command/system/info.go), the fields every engine fills. */
function endpointLines(i: Record<string, unknown>): string[] {
  const line = (label: string, key: string): string[] => (i[key] === undefined || i[key] === '' ? [] : [`${label}: ${String(i[key])}`]);
  return [
    'Server:',
    ...[['Containers', 'Containers'], [' Running', 'ContainersRunning'], [' Paused', 'ContainersPaused'], [' Stopped', 'ContainersStopped'],
      ['Images', 'Images'], ['Server Version', 'ServerVersion'], ['Storage Driver', 'Driver'], ['Logging Driver', 'LoggingDriver'],
      ['Cgroup Driver', 'CgroupDriver'], ['Cgroup Version', 'CgroupVersion'], ['Kernel Version', 'KernelVersion'],
      ['Operating System', 'OperatingSystem'], ['OSType', 'OSType'], ['Architecture', 'Architecture'], ['CPUs', 'NCPU']]
      .flatMap(([label, key]) => line(` ${label}`, key)),
    ...(typeof i.MemTotal === 'number' ? [` Total Memory: ${humanSize(i.MemTotal)}`] : []),
    ...line(' Name', 'Name'), ...line(' ID', 'ID'), ...line(' Docker Root Dir', 'DockerRootDir'),
  ];
}
