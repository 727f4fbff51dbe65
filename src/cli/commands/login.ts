// `login` / `logout`: docker's credential commands. Credentials are checked
// against the registry first, then kept in docker's own config.json
// ($DOCKER_CONFIG or ~/.docker), which docker and skopeo read too.
import type { CommandModule } from 'yargs';
import { createInterface } from 'node:readline';
import { BerthError } from '../../engine/index.js';
import { configPath } from '../../engine/registry/index.js';
import { getEngine, type GlobalArgs } from '../context.js';
import { policyOf, registryOptions, type RegistryArgs } from '../registry-flags.js';

interface LoginArgs extends GlobalArgs, RegistryArgs {
  server?: string;
  username?: string;
  password?: string;
  'password-stdin'?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // docker trims the trailing newline (and CR) only
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal; the password is not echoed. */
async function prompt(question: string, secret: boolean): Promise<string> {
  if (!process.stdin.isTTY) throw new BerthError('INVALID_ARGUMENT', `login: ${question.replace(/: $/, '').toLowerCase()} required (not a terminal: use -u and --password-stdin)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (secret) {
    // print the prompt, then swallow the echo of every typed character
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
  }
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    if (secret) process.stderr.write('\n');
  }
}

export const loginCommand: CommandModule<GlobalArgs, LoginArgs> = {
  command: 'login [server]',
  describe: 'Log in to a registry (default Docker Hub)',
  builder: (y) =>
    registryOptions(y.positional('server', { type: 'string', describe: 'registry host[:port]' }))
      .option('username', { alias: 'u', type: 'string', describe: 'username' })
      .option('password', { alias: 'p', type: 'string', describe: 'password (visible to other users: prefer --password-stdin)' })
      .option('password-stdin', { type: 'boolean', describe: 'take the password from stdin' }) as never,
  handler: async (a) => {
    if (a.password !== undefined && a['password-stdin']) throw new BerthError('INVALID_ARGUMENT', '--password and --password-stdin are mutually exclusive');
    if (a['password-stdin'] && a.username === undefined) throw new BerthError('INVALID_ARGUMENT', 'must provide --username with --password-stdin');
    if (a.password !== undefined) process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    const username = a.username ?? await prompt('Username: ', false);
    const password = a['password-stdin'] ? await readStdin() : a.password ?? await prompt('Password: ', true);
    if (username === '' || password === '') throw new BerthError('INVALID_ARGUMENT', 'login: username and password must not be empty');
    await getEngine(a).registry.login(a.server ?? '', { username, password }, policyOf(a));
    process.stdout.write(`WARNING! Your password will be stored unencrypted in ${configPath()}.\n\nLogin Succeeded\n`);
  },
};

interface LogoutArgs extends GlobalArgs { server?: string }

export const logoutCommand: CommandModule<GlobalArgs, LogoutArgs> = {
  command: 'logout [server]',
  describe: 'Log out from a registry (default Docker Hub)',
  builder: (y) => y.positional('server', { type: 'string', describe: 'registry host[:port]' }) as never,
  handler: (a) => {
    const server = a.server ?? 'docker.io';
    const removed = getEngine(a).registry.logout(server);
    process.stdout.write(removed ? `Removing login credentials for ${server}\n` : `Not logged in to ${server}\n`);
  },
};
