// `container <verb>`: docker's management-command spelling of the container verbs.
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { withPositionals } from '../positionals.js';
import { createCommand, runCommand } from './run.js';
import {
  killCommand, pauseCommand, renameCommand, restartCommand, rmCommand, startCommand, stopCommand, unpauseCommand, waitCommand,
} from './lifecycle.js';
import { psCommand } from './ps.js';
import { logsCommand } from './logs.js';
import { topCommand } from './top.js';
import { cpCommand } from './cp.js';
import { inspectCommand } from './inspect.js';
import { commitCommand } from './commit.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';

const alias = (c: CommandModule<any, any>, name: string): CommandModule<any, any> => ({
  ...c,
  command: typeof c.command === 'string' ? c.command.replace(/^\S+/, name) : name,
});

const verbs: CommandModule<any, any>[] = [
  createCommand, runCommand, startCommand, stopCommand, restartCommand, killCommand, rmCommand, alias(rmCommand, 'remove'),
  waitCommand, pauseCommand, unpauseCommand, renameCommand, psCommand, alias(psCommand, 'ls'), alias(psCommand, 'list'),
  logsCommand, topCommand, cpCommand, diffCommand, exportCommand, commitCommand,
  { ...inspectCommand, builder: (z: any) => (inspectCommand.builder as any)(z).option('type', { default: 'container', hidden: true }) } as CommandModule<any, any>,
];

export const containerCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'container <command>',
  describe: 'Manage containers',
  builder: (y) =>
    verbs.reduce((b, v) => b.command(withPositionals(v)), y)
      .demandCommand(1, 'name a container command: berth container --help') as never,
  handler: () => {},
};
