// Every CLI command, registered in one list (help order). Each module is a
// yargs CommandModule whose handler calls the engine and prints.
import type { CommandModule } from 'yargs';

// Add each new command module here (keep the import list sorted by verb).
import { attachCommand } from './attach.js';
import { eventsCommand } from './events.js';
import { buildCommand } from './build.js';
import { builderCommand } from './builder.js';
import { execCommand } from './exec.js';
import { containerCommand } from './container.js';
import { contextCommand } from './context.js';
import { cpCommand } from './cp.js';
import { imageCommand } from './image.js';
import { imagesCommand } from './images.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { inspectCommand } from './inspect.js';
import {
  killCommand, pauseCommand, renameCommand, restartCommand, rmCommand, startCommand, stopCommand, unpauseCommand, waitCommand,
} from './lifecycle.js';
import { loginCommand, logoutCommand } from './login.js';
import { logsCommand } from './logs.js';
import { psCommand } from './ps.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { rmiCommand } from './rmi.js';
import { createCommand, runCommand } from './run.js';
import { tagCommand } from './tag.js';
import { topCommand } from './top.js';
import { tuiCommand } from './tui.js';
import { volumeCommand } from './volume.js';
import { networkCommand } from './network.js';
import { portCommand } from './port.js';
import { systemCommand } from './system.js';
import { updateCommand } from './update.js';
import { versionCommand } from './version.js';
import { statsCommand } from './stats.js';
import { commitCommand } from './commit.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { historyCommand } from './history.js';
import { loadCommand } from './load.js';
import { saveCommand } from './save.js';

export const commands: CommandModule<any, any>[] = [
  runCommand, createCommand, startCommand, stopCommand, restartCommand, killCommand, rmCommand, psCommand,
  attachCommand, execCommand, inspectCommand, waitCommand, logsCommand, topCommand, renameCommand, pauseCommand, unpauseCommand, cpCommand,
  infoCommand, versionCommand, eventsCommand, containerCommand, updateCommand, statsCommand,
  imagesCommand, importCommand, rmiCommand, tagCommand, imageCommand,
  pullCommand, pushCommand, loginCommand, logoutCommand,
  volumeCommand, networkCommand, portCommand, systemCommand,
  historyCommand, saveCommand, loadCommand, exportCommand, commitCommand, diffCommand,
  buildCommand, builderCommand,
  contextCommand,
  tuiCommand,
];
