// `info`: system-wide information.
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';
import { compileTemplate, renderTemplate } from '../../engine/template/index.js';
import { humanSize } from '../output.js';

export const infoCommand: CommandModule<GlobalArgs, GlobalArgs & { format?: string }> = {
  command: 'info',
  describe: 'Display system-wide information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: '"json", or a Go template ({{.ServerVersion}})' }) as never,
  handler: async (a) => {
    // docker: "json" is {{json .}}, one line
    const tpl = a.format ? compileTemplate(a.format.trim() === 'json' ? '{{json .}}' : a.format) : undefined;
    const i = await getEngine(a).info();
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
