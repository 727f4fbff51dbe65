// yargs' strictOptions() rejects positionals that the builder did not declare
// with .positional(), even when the command string names them. Declaring them
// from the command string keeps each command module short and strict.
import type { Argv, CommandModule } from 'yargs';

export function withPositionals<T, U>(cmd: CommandModule<T, U>): CommandModule<T, U> {
  const spec = cmd.command;
  if (typeof spec !== 'string') return cmd;
  // a group ("container <command>") dispatches to sub-commands: its <command> is not an argument
  const names = [...spec.matchAll(/[<[](\w[\w-]*)(\.\.)?[>\]]/g)]
    .map((m) => ({ name: m[1], variadic: !!m[2] }))
    .filter((p) => !(p.name === 'command' && !p.variadic && spec.includes('<command>')));
  const inner = cmd.builder;
  return {
    ...cmd,
    builder: (y: Argv<T>) => {
      let b: Argv<any> = typeof inner === 'function' ? (inner(y) as Argv<any>) : inner ? y.options(inner) : y;
      for (const p of names) b = b.positional(p.name, { type: 'string', array: p.variadic });
      return b as Argv<U>;
    },
  } as CommandModule<T, U>;
}
