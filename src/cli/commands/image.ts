// `image <command>`: docker's management-command spelling of the image verbs
// (ls/list, rm/remove, import, inspect, tag, history, save, load, prune).
import type { CommandModule } from 'yargs';
import { getEngine, type GlobalArgs } from '../context.js';
import { ExitStatus, reportError } from '../exit-codes.js';
import { printJson, renderTemplate } from '../output.js';
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

const rename = (c: CommandModule<any, any>, name: string): CommandModule<any, any> => ({
  ...c,
  command: typeof c.command === 'string' ? c.command.replace(/^\S+/, name) : name,
});

interface ImageInspectArgs extends GlobalArgs { images: string[]; format?: string }

/** `image inspect`: images only (the top-level `inspect` looks at containers first). */
export const imageInspectCommand: CommandModule<GlobalArgs, ImageInspectArgs> = {
  command: 'inspect <images..>',
  describe: 'Display detailed information on one or more images',
  builder: (y) =>
    y.positional('images', { type: 'string', array: true, describe: 'images (name[:tag], ID or ID prefix)' })
      .option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.Config.Cmd}})' }) as never,
  handler: async (a) => {
    const engine = getEngine(a);
    const found: Record<string, unknown>[] = [];
    let status = 0;
    for (const ref of a.images) {
      try {
        found.push((await engine.images.inspect(ref)) as Record<string, unknown>);
      } catch (e) {
        status = reportError(e);
      }
    }
    if (a.format) process.stdout.write(found.map((o) => renderTemplate(a.format!, o) + '\n').join(''));
    else printJson(found);
    if (status) throw new ExitStatus(status);
  },
};

export const imageCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'image <command>',
  describe: 'Manage images',
  builder: (y) =>
    y.command(rename(imagesCommand, 'ls')).command(rename(imagesCommand, 'list'))
      .command(rename(rmiCommand, 'rm')).command(rename(rmiCommand, 'remove'))
      .command(importCommand).command(imageInspectCommand).command(tagCommand)
      .command(historyCommand).command(saveCommand).command(loadCommand).command(imagePruneCommand)
      .command(pullCommand).command(pushCommand)
      .demandCommand(1, 'name an image command: berth image --help') as never,
  handler: () => {},
};
