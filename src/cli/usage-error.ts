// Usage errors as docker's CLI reports them. yargs checks the number of
// arguments before it looks at flags, so `logs --bogus x` (the unknown flag took
// x as its value) would say "Not enough non-option arguments"; docker names the
// flag. So the arguments are scanned here against the options of the command
// yargs was parsing: an unknown flag is named, exit 125 (docker's status for a
// flag it cannot parse); an unknown verb is "not a berth command", exit 1; a
// wrong number of arguments exits 1, as docker's do.

export interface ParsedCommand {
  /** The verbs yargs matched: [] (none), ["ps"], ["container", "logs"]. */
  path: string[];
  /** Every option name and alias of that command (globals included). */
  known: ReadonlySet<string>;
  /** The options among them that take no value. */
  flags: ReadonlySet<string>;
  /** Verbs that only group others (container, image, ...). */
  groups: ReadonlySet<string>;
}

export interface UsageError { text: string; status: number }

export function usageError(msg: string, args: string[], cmd: ParsedCommand): UsageError {
  const verb = ['berth', ...cmd.path].join(' ');
  const see = `See '${verb} --help'.`;
  const unknown = unknownFlag(args, cmd);
  if (unknown) return { text: `${unknown}\n${see}`, status: 125 };
  const last = cmd.path[cmd.path.length - 1];
  // a group given a word that is none of its verbs ("container bogus"): yargs says its verb is missing
  const afterGroup = last !== undefined && cmd.groups.has(last) ? positionals(args)[cmd.path.length] : undefined;
  const word = /^Unknown commands?: ([^,]*)/.exec(msg)?.[1] ?? afterGroup;
  if (word !== undefined) {
    if (last === undefined || cmd.groups.has(last)) {
      return { text: `berth: '${[...cmd.path, word].join(' ')}' is not a berth command.\nSee 'berth --help'`, status: 1 };
    }
    return { text: `"${verb}" accepts no arguments.\n${see}`, status: 1 };
  }
  const need = /^Not enough non-option arguments: got \d+, need at least (\d+)/.exec(msg)?.[1];
  if (need !== undefined) {
    return { text: `"${verb}" requires at least ${need} argument${need === '1' ? '' : 's'}.\n${see}`, status: 1 };
  }
  if (/^Too many non-option arguments|^Unknown arguments?: /.test(msg)) return { text: `berth: ${msg}\n${see}`, status: 1 };
  return { text: `berth: ${msg}\n${see}`, status: 125 }; // a flag's value (choices, coercion)
}

/** docker's words for the first flag the command does not have, if any. */
export function unknownFlag(args: string[], cmd: ParsedCommand): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0];
      if (!cmd.known.has(name)) return `unknown flag: --${name}`;
      if (!a.includes('=') && !cmd.flags.has(name)) i++; // its value
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (!cmd.known.has(c)) return `unknown shorthand flag: '${c}' in ${a}`;
        if (!cmd.flags.has(c)) {
          if (j === a.length - 1) i++; // "-e VALUE"; "-eVALUE" carries it
          break;
        }
      }
    }
  }
  return undefined;
}

/** The words that are not flags (a value of `--root` aside: the only global option with one). */
export function positionals(args: string[]): string[] {
  return args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--root');
}
