// `info`: system-wide information.
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';
import { humanSize, printJson } from '../output.js';

export const infoCommand: CommandModule<GlobalArgs, GlobalArgs & { format?: string }> = {
  command: 'info',
  describe: 'Display system-wide information',
  builder: (y) => y.option('format', { alias: 'f', type: 'string', describe: '"json" for machine-readable output' }) as never,
  handler: async (a) => {
    const i = await getEngine(a).info();
    if (a.format === 'json') return printJson(i);
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
