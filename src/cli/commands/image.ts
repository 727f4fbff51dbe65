// `image <command>`: docker's management-command spelling of the image verbs
// (ls/list, rm/remove, import, inspect, tag, history, save, load, prune).
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { imagesCommand } from './images.js';
import { importCommand } from './import.js';
import { rmiCommand } from './rmi.js';
import { tagCommand } from './tag.js';
import { historyCommand } from './history.js';
import { imagePruneCommand } from './image-prune.js';
import { loadCommand } from './load.js';
import { saveCommand } from './save.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { renamed } from '../command-alias.js';
import { inspectOnly } from './inspect.js';

export const imageCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'image <command>',
  describe: 'Manage images',
  builder: (y) =>
    y.command(renamed(imagesCommand, 'ls')).command(renamed(imagesCommand, 'list'))
      .command(renamed(rmiCommand, 'rm')).command(renamed(rmiCommand, 'remove'))
      .command(importCommand).command(inspectOnly('image', 'Display detailed information on one or more images')).command(tagCommand)
      .command(historyCommand).command(saveCommand).command(loadCommand).command(imagePruneCommand)
      .command(pullCommand).command(pushCommand)
      .demandCommand(1, 'name an image command: berth image --help') as never,
  handler: () => {},
};
