// Every CLI command, registered in one list (help order). Each module is a
// yargs CommandModule whose handler calls the engine and prints.
import type { CommandModule } from 'yargs';

// Add each new command module here (keep the import list sorted by verb).

export const commands: CommandModule<any, any>[] = [
];
