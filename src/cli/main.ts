// berth's command line: docker's verbs over the embedded engine. Every command
// is a yargs module in commands/; handlers call the engine and print.
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.js';
import { ExitStatus, reportError, setVerbFrom } from './exit-codes.js';
import { positionals, usageError, type ParsedCommand } from './usage-error.js';
import { splitTail } from './argv-split.js';
import { handleClosedPipes } from './closed-pipe.js';
import { withPositionals } from './positionals.js';
import { runTail } from './commands/run.js';
import { execTail } from './commands/exec.js';
import { topTail } from './commands/top.js';
import { ENDPOINT_VERBS, requireEmbedded, takeEndpointFlags } from './endpoint-flags.js';
import { closeBackend } from './context.js';
import { openWorkstation } from './commands/tui.js';

async function main(): Promise<number> {
  handleClosedPipes();
  let status = 0;
  // everything after `run IMAGE` / `create IMAGE` is the container's command, untouched
  // (after `top CONTAINER`: ps's options)
  let args: string[];
  try {
    // -H/--context before the verb are docker's global flags (endpoint-flags.ts)
    args = splitTail(takeEndpointFlags(hideBin(process.argv)), { run: runTail, create: runTail, exec: execTail, top: topTail });
  } catch (e) {
    return reportError(e);
  }
  setVerbFrom(args);
  try {
    refuseOtherEndpoints(args);
  } catch (e) {
    return reportError(e);
  }
  const parser = yargs(args)
    .scriptName('berth')
    .usage('berth [--root DIR] COMMAND\n\nA terminal container workstation: run `berth` alone for the full-screen UI.')
    .option('root', { type: 'string', describe: 'state directory (default /var/lib/berth, or $BERTH_ROOT)', global: true })
    // "--no-trunc" is a flag of its own (docker's), not the negation of "--trunc"
    .parserConfiguration({ 'boolean-negation': false })
    .strictCommands()
    .strictOptions()
    // --help only: `-h` is run's --hostname (docker's), and a global alias would fuse them
    .help()
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      const u = usageError(msg, args, parsedCommand(parser));
      process.stderr.write(`${u.text}\n`);
      status = u.status;
      throw new ExitStatus(u.status);
    });
  for (const c of commands) parser.command(withPositionals(c));
  skipHelpCache(parser);
  try {
    const argv = await parser.parseAsync();
    if ((argv._ as unknown[]).length === 0 && !argv.help) {
      await openWorkstation({ root: argv.root as string | undefined });
    }
  } catch (e) {
    if (e instanceof ExitStatus) return e.status;
    return reportError(e);
  } finally {
    closeBackend();
  }
  return status;
}

const GROUPS = new Set(commands.map((c) => String(c.command)).filter((c) => c.includes('<command>')).map((c) => c.split(' ')[0]));

/** A verb not in ENDPOINT_VERBS drives the embedded engine only: -H/--context naming
 * another is refused before it runs. */
function refuseOtherEndpoints(args: string[]): void {
  if (args.includes('--help')) return;
  const words = positionals(args);
  if (words.length === 0 || ENDPOINT_VERBS.has(words[0]) || ENDPOINT_VERBS.has(`${words[0]} ${words[1]}`)) return;
  // a group's verb is named with its group ("container ls", "system df")
  requireEmbedded(GROUPS.has(words[0]) && words[1] !== undefined ? `${words[0]} ${words[1]}` : words[0]);
}

/** What yargs was parsing when it failed: the command path and its options. */
function parsedCommand(parser: Argv): ParsedCommand {
  // yargs keeps one instance and resets it for each command's builder: its options are the command's
  const internal = parser as unknown as {
    getOptions(): { key: Record<string, unknown>; boolean: string[]; count?: string[] };
    getInternalMethods(): { getContext(): { commands: string[] } };
  };
  const o = internal.getOptions();
  const path = internal.getInternalMethods().getContext().commands;
  return {
    path: [...path],
    known: new Set(Object.keys(o.key)),
    flags: new Set([...o.boolean, ...(o.count ?? [])]),
    groups: new Set(commands.map((c) => String(c.command)).filter((c) => c.includes('<command>')).map((c) => c.split(' ')[0])),
  };
}

/** yargs renders the running command's whole help text "in case it is needed" while
 *  the handler starts: ~40 ms for `run`, on every call. berth shows help only when asked
 *  (--help renders it then), so the cache step is dropped. Internal API: if yargs changes
 *  it, this does nothing and berth is merely slower. */
function skipHelpCache(parser: object): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: unknown } } })
    .getInternalMethods?.().getUsageInstance?.();
  if (internal && typeof internal.cacheHelpMessage === 'function') internal.cacheHelpMessage = () => {};
}

// no top-level await: the bundle (scripts/bundle.mjs) is CommonJS
// a handler that set its own exit status (the workstation without a terminal: 125) keeps it
void main().then((status) => { process.exitCode = status || process.exitCode || 0; });
