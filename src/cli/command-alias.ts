// The same command under another verb (`container ls` = `ps`, `volume remove` = `volume rm`).
import type { CommandModule } from 'yargs';

export const renamed = (c: CommandModule<any, any>, name: string): CommandModule<any, any> => ({
  ...c,
  command: typeof c.command === 'string' ? c.command.replace(/^\S+/, name) : name,
});
