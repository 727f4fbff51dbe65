// `build`: docker build — a Dockerfile and its context into an image. The
// progress goes to stderr, on a terminal as BuildKit's live view (build-tty.ts),
// else in BuildKit's plain format (`#N [1/3] RUN …`,
// output lines with their time, `#N CACHED`, `#N DONE 0.3s`); -q prints only
// the image ID on stdout. CONTEXT `-` reads a tar (or a bare Dockerfile, with
// an empty context) from stdin.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CommandModule } from 'yargs';
import type { BuildProgress } from '../../engine/build/index.js';
import { BerthError } from '../../engine/errors.js';
import { keyValues } from '../../engine/units.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { ttyProgress } from '../build-tty.js';

interface BuildArgs extends GlobalArgs {
  context: string;
  tag?: string[];
  file?: string;
  'build-arg'?: string[];
  target?: string;
  'no-cache'?: boolean;
  pull?: boolean;
  label?: string[];
  iidfile?: string;
  quiet?: boolean;
  network?: string;
  progress?: string;
  secret?: string[];
  ssh?: string[];
}

export const buildCommand: CommandModule<GlobalArgs, BuildArgs> = {
  command: 'build <context>',
  describe: 'Build an image from a Dockerfile',
  builder: (y) =>
    y.positional('context', { type: 'string', describe: 'the build context: a directory, or - for a tar (or a Dockerfile) on stdin' })
      .option('tag', { alias: 't', type: 'string', array: true, nargs: 1, describe: 'name and optionally a tag (name:tag); repeatable' })
      .option('file', { alias: 'f', type: 'string', describe: 'the Dockerfile (default CONTEXT/Dockerfile; - = stdin)' })
      .option('build-arg', { type: 'string', array: true, nargs: 1, describe: 'set a build-time variable (NAME=VALUE, or NAME to take it from the environment)' })
      .option('target', { type: 'string', describe: 'the build stage to build' })
      .option('no-cache', { type: 'boolean', describe: 'do not use the cache' })
      .option('pull', { type: 'boolean', describe: 'always pull the FROM images' })
      .option('label', { type: 'string', array: true, nargs: 1, describe: 'set a label on the image (KEY=VALUE)' })
      .option('iidfile', { type: 'string', describe: 'write the image ID to this file' })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'print only the image ID' })
      .option('network', { type: 'string', describe: 'the network of RUN steps: default, none or host' })
      .option('secret', { type: 'string', array: true, nargs: 1, describe: 'a secret for RUN --mount=type=secret: id=ID[,src=PATH|,env=VAR]' })
      .option('ssh', { type: 'string', array: true, nargs: 1, describe: 'an ssh agent for RUN --mount=type=ssh: default|ID[=SOCKET] (default: $SSH_AUTH_SOCK)' })
      .option('progress', { type: 'string', describe: 'progress output: auto (tty on a terminal, else plain), plain or tty' }) as never,
  handler: async (a) => {
    if (a.progress !== undefined && !['auto', 'plain', 'tty', 'quiet', 'rawjson'].includes(a.progress)) {
      throw new BerthError('INVALID_ARGUMENT', `invalid progress mode "${a.progress}": use auto, plain or tty`);
    }
    if (a.network !== undefined && !['default', 'none', 'host', 'bridge'].includes(a.network)) {
      throw new BerthError('INVALID_ARGUMENT', `network mode "${a.network}" not supported by buildkit: use default, none or host`);
    }
    // yargs hands a lone "-" over as ""
    const stdinContext = a.context === '' || a.context === '-';
    const stdinFile = a.file === '' || a.file === '-';
    let context: string | Readable = a.context;
    let dockerfileText: string | undefined;
    if (stdinContext || stdinFile) {
      if (stdinContext && stdinFile) throw new BerthError('INVALID_ARGUMENT', 'invalid argument: can\'t use stdin for both build context and dockerfile');
      const input = await readAll(process.stdin);
      if (stdinFile) dockerfileText = input.toString('utf8');
      else if (input.length >= 262 && input.subarray(257, 262).toString('latin1') === 'ustar') context = Readable.from([input]);
      else { dockerfileText = input.toString('utf8'); context = Readable.from([Buffer.alloc(1024)]); }
    }
    const quiet = !!a.quiet || a.progress === 'quiet';
    // docker's default comes from BUILDKIT_PROGRESS; auto is the live view on a terminal
    const mode = a.progress ?? process.env.BUILDKIT_PROGRESS ?? 'auto';
    const tty = !quiet && (mode === 'tty' || (mode === 'auto' && process.stderr.isTTY)) ? ttyProgress(process.stderr) : undefined;
    const progress = quiet ? undefined : tty ?? plainProgress((s) => process.stderr.write(s));
    // Ctrl-C cancels: the running step's container is killed and removed before berth exits
    const abort = new AbortController();
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => abort.abort());
    const { image, tags } = await getEngine(a).build({
      signal: abort.signal,
      context,
      // docker: -f is a path from here, not from the context (for a directory context)
      dockerfile: stdinFile || a.file === undefined ? undefined : typeof context === 'string' ? resolve(a.file) : a.file, dockerfileText, tags: a.tag, buildArgs: a['build-arg'],
      target: a.target, noCache: a['no-cache'], pull: a.pull, labels: keyValues(a.label), network: a.network === 'bridge' ? 'default' : a.network,
      secrets: a.secret, ssh: a.ssh, progress: progress?.port,
    }).catch((e: unknown) => { tty?.fail(); throw e; });
    progress?.finish(image.id, tags);
    if (a.iidfile) writeFileSync(a.iidfile, image.id);
    if (quiet) process.stdout.write(`${image.id}\n`);
  },
};

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** BuildKit's plain progress: each step a block of `#N` lines, with its output timed from its start. */
function plainProgress(write: (s: string) => void): { port: BuildProgress; finish(id: string, tags: string[]): void } {
  const started = new Map<number, number>();
  const secs = (id: number) => ((Date.now() - (started.get(id) ?? Date.now())) / 1000).toFixed(1);
  let last = 0;
  const port: BuildProgress = {
    start: (id, name) => { started.set(id, Date.now()); last = Math.max(last, id); write(`#${id} ${name}\n`); },
    output: (id, data) => {
      const at = ((Date.now() - (started.get(id) ?? Date.now())) / 1000).toFixed(3);
      for (const line of data.toString('utf8').replace(/\n$/, '').split('\n')) write(`#${id} ${at} ${line}\n`);
    },
    cached: (id) => write(`#${id} CACHED\n\n`),
    done: (id) => { if (started.has(id)) write(`#${id} DONE ${secs(id)}s\n\n`); started.delete(id); },
    error: (id, message) => { write(`#${id} ERROR: ${message}\n\n`); started.delete(id); },
  };
  // a cached step is reported once: its DONE line is not printed after CACHED
  const cached = port.cached;
  port.cached = (id) => { started.delete(id); cached(id); };
  return {
    port,
    finish: (id, tags) => {
      const n = last + 1;
      write(`#${n} exporting to image\n#${n} writing image ${id} done\n`);
      for (const t of tags) write(`#${n} naming to ${t} done\n`);
      write(`#${n} DONE 0.0s\n`);
    },
  };
}
