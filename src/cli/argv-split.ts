// `berth run [OPTIONS] IMAGE [COMMAND] [ARG...]`: everything after IMAGE belongs
// to the container, even when it looks like a berth flag (`run bb ls -d`).
// yargs cannot know where IMAGE is, so we find it here, knowing which flags of
// the verb take a value, and hand the tail to the handler untouched.

export interface TailVerb {
  /** Long and short flags of this verb that take a value ("env", "e", ...). */
  valueFlags: ReadonlySet<string>;
  /** `-h` is a flag of this verb (run's --hostname), not --help. */
  ownsH?: boolean;
}

let tail: string[] | undefined;

/** The container command after the image (or container) argument, as typed. */
export const commandTail = (): string[] => tail ?? [];

const GLOBAL_VALUE_FLAGS = new Set(['root']);

/** Returns the arguments for yargs (up to and including IMAGE) and remembers the tail. */
export function splitTail(argv: string[], verbs: Record<string, TailVerb>): string[] {
  const args = [...argv];
  let i = 0;
  let ownsH = false;
  const skipOptions = (valueFlags: ReadonlySet<string>, pinFlags: boolean): void => {
    while (i < args.length && args[i].startsWith('-') && args[i] !== '-' && args[i] !== '--') {
      // docker's -h is --help, except where the verb gives it a meaning of its own
      if (args[i] === '-h' && !ownsH) args[i] = '--help';
      const a = args[i++];
      if (a.startsWith('--')) {
        if (a.includes('=')) continue;
        if (valueFlags.has(a.slice(2))) i++;
        // a flag without a value ("--rm", or a mistyped "--bogus"): pinned, so that yargs
        // cannot take IMAGE as its value and reports an unknown flag by its name
        else if (pinFlags) args[i - 1] = `${a}=true`;
      } else if (a.length === 2 && valueFlags.has(a.slice(1))) {
        i++; // "-e VALUE"; "-eVALUE" and boolean clusters ("-it") are one token
      } else if (a.length > 2 && valueFlags.has(a[a.length - 1]) && ![...a.slice(1, -1)].some((c) => valueFlags.has(c))) {
        i++; // "-de VALUE": a cluster ending in a value flag
      }
    }
  };
  skipOptions(GLOBAL_VALUE_FLAGS, false);
  let verb = args[i];
  if (verb === 'container') verb = args[++i];
  const spec = verb === undefined ? undefined : verbs[verb];
  if (!spec) {
    // docker's -h is --help (a verb without a container command: any -h before "--")
    const end = args.indexOf('--') < 0 ? args.length : args.indexOf('--');
    for (let k = 0; k < end; k++) if (args[k] === '-h') args[k] = '--help';
    return args;
  }
  i++;
  ownsH = !!spec.ownsH;
  skipOptions(new Set([...spec.valueFlags, ...GLOBAL_VALUE_FLAGS]), true);
  const head = args.slice(0, i);
  if (args[i] === '--') i++; // "run -d -- IMAGE ...": the "--" only ends berth's options
  if (i >= args.length) return args;
  tail = args.slice(i + 1);
  return [...head, args[i]];
}
