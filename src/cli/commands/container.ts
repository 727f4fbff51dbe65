// `container <verb>`: docker's management-command spelling of the container verbs.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { createCommand, runCommand } from './run.js';
import {
  killCommand, pauseCommand, renameCommand, restartCommand, rmCommand, startCommand, stopCommand, unpauseCommand, waitCommand,
} from './lifecycle.js';
import { psCommand } from './ps.js';
import { logsCommand } from './logs.js';
import { topCommand } from './top.js';
import { cpCommand } from './cp.js';
import { inspectCommand } from './inspect.js';

const alias = (c: CommandModule<any, any>, name: string): CommandModule<any, any> => ({
  ...c,
  command: typeof c.command === 'string' ? c.command.replace(/^\S+/, name) : name,
});

export const containerCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'container <command>',
  describe: 'Manage containers',
  builder: (y) =>
    y.command(createCommand).command(runCommand).command(startCommand).command(stopCommand).command(restartCommand)
      .command(killCommand).command(rmCommand).command(alias(rmCommand, 'remove')).command(waitCommand)
      .command(pauseCommand).command(unpauseCommand).command(renameCommand).command(psCommand)
      .command(alias(psCommand, 'ls')).command(alias(psCommand, 'list')).command(logsCommand).command(topCommand)
      .command(cpCommand).command({ ...inspectCommand, builder: (z) => (inspectCommand.builder as any)(z).option('type', { default: 'container', hidden: true }) })
      .demandCommand(1, 'name a container command: berth container --help') as never,
  handler: () => {},
};
