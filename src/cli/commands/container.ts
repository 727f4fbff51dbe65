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
import { inspectOnly } from './inspect.js';
import { commitCommand } from './commit.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { renamed } from '../command-alias.js';
import { containerPruneCommand } from './container-prune.js';

const verbs: CommandModule<any, any>[] = [
  createCommand, runCommand, startCommand, stopCommand, restartCommand, killCommand, rmCommand, renamed(rmCommand, 'remove'),
  waitCommand, pauseCommand, unpauseCommand, renameCommand, psCommand, renamed(psCommand, 'ls'), renamed(psCommand, 'list'),
  logsCommand, topCommand, cpCommand, diffCommand, exportCommand, commitCommand, containerPruneCommand,
  inspectOnly('container', 'Display detailed information on one or more containers'),
];

export const containerCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'container <command>',
  describe: 'Manage containers',
  builder: (y) =>
    verbs.reduce((b, v) => b.command(withPositionals(v)), y)
      .demandCommand(1, 'name a container command: berth container --help') as never,
  handler: () => {},
};
