// `context ls|use|create|rm|inspect|show`: docker's verbs, output and errors over
// docker's own context store (backend/contexts-store.ts), so `docker context ls` sees
// what berth creates and berth sees what docker creates. berth's embedded engine is
// the context "berth" (listed first, never stored); `use berth` clears config.json's
// currentContext (docker then uses its "default"), `use default` writes "default"
// (which docker reads as its default too), so either choice shows the same in both.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { BerthError } from '../../engine/index.js';
import { readDockerConfig, writeDockerConfig, configDir } from '../../engine/registry/index.js';
import { goMap, goStruct } from '../../engine/template/index.js';
import { ContextStore, CONTEXT_NAME, type ContextMeta, type TlsFiles } from '../../backend/contexts-store.js';
import {
  DEFAULT_CONTEXT, EMBEDDED, currentEndpoint, parseDockerHost, resolveEndpoints, type Endpoint,
} from '../../backend/endpoints.js';
import type { GlobalArgs } from '../context.js';
import { endpointArgs } from '../endpoint-flags.js';
import { ExitStatus, reportError } from '../exit-codes.js';
import { inspectEach } from '../inspect-output.js';
import { printFormatted } from '../output.js';

const say = (s: string) => process.stdout.write(s + '\n');
const note = (s: string) => process.stderr.write(s + '\n');
const endpoints = (): Endpoint[] => resolveEndpoints(endpointArgs(), process.env);
const configFile = (): string => join(configDir(process.env), 'config.json');
const OVERRIDE_WARNING = 'Warning: DOCKER_HOST environment variable overrides the active context.';

/** docker's formatter.Ellipsis: cut to `max` columns, the last one an ellipsis. */
const ellipsis = (s: string, max: number): string => ([...s].length <= max ? s : [...s].slice(0, max - 1).join('') + '…');

interface LsArgs extends GlobalArgs { quiet?: boolean; format?: string }

const lsCommand: CommandModule<GlobalArgs, LsArgs> = {
  command: 'ls',
  aliases: ['list'],
  describe: 'List contexts (berth\'s embedded engine first; the current one starred)',
  builder: (y) => y.option('quiet', { alias: 'q', type: 'boolean', describe: 'only show context names' })
    .option('format', { type: 'string', describe: 'table, json, or a template ({{.Name}} {{.DockerEndpoint}})' }) as never,
  handler: (a) => {
    const list = endpoints();
    if (a.quiet) return void process.stdout.write(list.map((e) => e.name + '\n').join(''));
    const trunc = !a.format || a.format === 'table';
    // docker's ClientContext, keys in its sorted JSON order
    const rows = list.map((e) => goStruct({
      Current: e.current, Description: e.description, DockerEndpoint: e.dockerHost ?? '',
      Error: trunc && e.error ? ellipsis(e.error, 45) : e.error ?? '', Name: e.name,
    }, '*formatter.clientContextContext'));
    printFormatted(a.format, rows, {
      defaultTable: 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}',
      header: { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR' },
    });
    if (process.env.DOCKER_HOST) {
      note(`${OVERRIDE_WARNING} To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.`);
    }
  },
};

interface NameArgs extends GlobalArgs { name: string }

const useCommand: CommandModule<GlobalArgs, NameArgs> = {
  command: 'use <name>',
  describe: 'Set the current context (docker\'s too: the same config.json)',
  builder: (y) => y.positional('name', { type: 'string', describe: 'context name' }) as never,
  handler: (a) => {
    const store = new ContextStore(configDir(process.env));
    if (a.name !== EMBEDDED && a.name !== DEFAULT_CONTEXT) store.get(a.name); // docker's "context not found"
    const doc = readDockerConfig(configFile());
    if (a.name === EMBEDDED) delete doc.currentContext;
    else doc.currentContext = a.name;
    writeDockerConfig({ auths: {}, ...doc }, configFile());
    say(a.name);
    note(`Current context is now "${a.name}"`);
    if (a.name !== DEFAULT_CONTEXT && process.env.DOCKER_HOST) {
      note(`${OVERRIDE_WARNING} To use "${a.name}", either set the global --context flag, or unset DOCKER_HOST environment variable.`);
    }
  },
};

interface CreateArgs extends GlobalArgs { name: string; description?: string; docker?: string; from?: string }

/** docker's --docker value: comma-separated KEY=VALUE (CSV: a field may be quoted). */
function csvFields(s: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Go's strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

const endpointError = (m: string) => new BerthError('INVALID_ARGUMENT', `unable to create docker endpoint config: ${m}`);

/** The docker endpoint a new context gets: from another context, or from --docker's keys. */
function newEndpoint(a: CreateArgs, store: ContextStore, list: Endpoint[]): { meta: ContextMeta; tls: TlsFiles } {
  // --from (or no --docker) copies the context, description and TLS files included; --docker
  // from= its endpoint's host and SkipTLSVerify only (docker's, TLS files not copied)
  const fromContext = (name: string, whole: boolean): { meta: ContextMeta; tls: TlsFiles } => {
    const ep = list.find((e) => e.name === name);
    if (!ep) store.get(name); // docker's not-found words
    if (!ep || ep.kind === 'embedded') throw new BerthError('INVALID_ARGUMENT', `context "${name}" is berth's embedded engine: it has no Docker endpoint to copy`);
    const tls: TlsFiles = ep.tls && whole ? { ca: ep.tls.ca, cert: ep.tls.cert, key: ep.tls.key } : {};
    return {
      meta: { Name: a.name, Metadata: whole && ep.description ? { Description: ep.description } : {}, Endpoints: { docker: { Host: ep.dockerHost, SkipTLSVerify: ep.tls ? !ep.tls.verify : false } } },
      tls,
    };
  };
  if (a.docker === undefined) {
    // docker's default source: the current context (docker's own "default" where berth's is the embedded engine)
    const cur = currentEndpoint(list);
    return fromContext(a.from ?? (cur.kind === 'embedded' ? DEFAULT_CONTEXT : cur.name), true);
  }
  const kv = new Map<string, string>();
  for (const f of csvFields(a.docker)) {
    if (!f) continue;
    const eq = f.indexOf('=');
    const k = eq < 0 ? f : f.slice(0, eq);
    if (!['from', 'host', 'ca', 'cert', 'key', 'skip-tls-verify'].includes(k)) throw endpointError(`unrecognized config key: ${k}`);
    kv.set(k, eq < 0 ? '' : f.slice(eq + 1));
  }
  if (kv.has('from')) return fromContext(kv.get('from')!, false);
  const tls: TlsFiles = {};
  for (const f of ['ca', 'cert', 'key'] as const) {
    const p = kv.get(f);
    if (!p) continue;
    try {
      tls[f] = readFileSync(p);
    } catch {
      throw endpointError(`open ${p}: no such file or directory`);
    }
  }
  let skip = false;
  if (kv.has('skip-tls-verify')) {
    const b = parseBool(kv.get('skip-tls-verify')!);
    if (b === undefined) throw endpointError(`skip-tls-verify: parsing "${kv.get('skip-tls-verify')}": invalid syntax`);
    skip = b;
  }
  const host = kv.has('host') ? checkHost(kv.get('host')!) : parseDockerHost(undefined);
  return { meta: { Name: a.name, Metadata: a.description ? { Description: a.description } : {}, Endpoints: { docker: { Host: host, SkipTLSVerify: skip } } }, tls };
}

/** A context's host as docker accepts one: a URL with a scheme; unix with a path; tcp with a numeric port. */
function checkHost(h: string): string {
  let u: URL;
  try {
    u = new URL(h);
  } catch {
    throw endpointError(`invalid docker endpoint options: parse "${h}": not a URL with a scheme (unix:///PATH, tcp://HOST:PORT, ssh://USER@HOST)`);
  }
  if (u.protocol === 'unix:' && !u.pathname) throw endpointError(`unable to apply docker endpoint options: unable to parse docker host \`${h}\``);
  return h;
}

const createCommand: CommandModule<GlobalArgs, CreateArgs> = {
  command: 'create <name>',
  describe: 'Create a context (in docker\'s store: docker sees it too)',
  builder: (y) => y.positional('name', { type: 'string', describe: 'context name' })
    .option('description', { type: 'string', describe: 'description of the context' })
    .option('docker', { type: 'string', describe: 'the docker endpoint: host=…,ca=…,cert=…,key=…,skip-tls-verify=…,from=…' })
    .option('from', { type: 'string', describe: 'create the context from an existing one' }) as never,
  handler: (a) => {
    if (a.name === DEFAULT_CONTEXT || a.name === EMBEDDED) throw new BerthError('INVALID_ARGUMENT', `"${a.name}" is a reserved context name`);
    if (!CONTEXT_NAME.test(a.name)) {
      throw new BerthError('INVALID_ARGUMENT', `context name "${a.name}" is invalid, names are validated against regexp "${CONTEXT_NAME.source}"`);
    }
    const store = new ContextStore(configDir(process.env));
    if (store.exists(a.name)) throw new BerthError('CONFLICT', `context "${a.name}" already exists`);
    const { meta, tls } = newEndpoint(a, store, endpoints());
    if (a.description !== undefined) meta.Metadata = { ...meta.Metadata, Description: a.description };
    store.write(meta, tls);
    say(a.name);
    note(`Successfully created context "${a.name}"`);
  },
};

interface RmArgs extends GlobalArgs { names: string[]; force?: boolean }

const rmCommand: CommandModule<GlobalArgs, RmArgs> = {
  command: 'rm <names..>',
  aliases: ['remove'],
  describe: 'Remove one or more contexts',
  builder: (y) => y.positional('names', { type: 'string', array: true, describe: 'context names' })
    .option('force', { alias: 'f', type: 'boolean', describe: 'remove the current context too (the current becomes berth\'s own)' }) as never,
  handler: (a) => {
    const store = new ContextStore(configDir(process.env));
    const current = currentEndpoint(endpoints()).name;
    let failed = false;
    for (const name of a.names) {
      try {
        if (name === DEFAULT_CONTEXT || name === EMBEDDED) throw new BerthError('INVALID_ARGUMENT', `context "${name}" cannot be removed`);
        if (!store.exists(name)) {
          if (a.force) { say(name); continue; }
          throw new BerthError('NOT_FOUND', `context "${name}" does not exist`);
        }
        if (name === current && !a.force) throw new BerthError('CONFLICT', `context "${name}" is in use, set -f flag to force remove`);
        const doc = readDockerConfig(configFile());
        if (doc.currentContext === name) {
          delete doc.currentContext;
          writeDockerConfig(doc, configFile());
        }
        store.remove(name);
        say(name);
      } catch (e) {
        reportError(e);
        failed = true;
      }
    }
    if (failed) throw new ExitStatus(1);
  },
};

interface InspectArgs extends GlobalArgs { names?: string[]; format?: string }

/** docker's `context inspect` document for one endpoint. */
function inspectView(name: string, store: ContextStore, list: Endpoint[]): object {
  const ep = list.find((e) => e.name === name && !e.error);
  const inMemory = { MetadataPath: '<IN MEMORY>', TLSPath: '<IN MEMORY>' };
  if (ep?.kind === 'embedded') {
    return { Name: name, Metadata: goMap({ Description: ep.description }), Endpoints: goMap({}), TLSMaterial: goMap({}), Storage: inMemory };
  }
  if (name === DEFAULT_CONTEXT && ep) {
    return {
      Name: name, Metadata: goMap({}), Endpoints: goMap({ docker: { Host: ep.dockerHost, SkipTLSVerify: ep.tls ? !ep.tls.verify : false } }),
      TLSMaterial: goMap({}), Storage: inMemory,
    };
  }
  const meta = store.get(name);
  const files = store.tlsMaterial(name);
  return {
    Name: meta.Name, Metadata: goMap({ ...meta.Metadata }), Endpoints: goMap({ ...meta.Endpoints }),
    TLSMaterial: goMap(files.length ? { docker: files } : {}),
    Storage: { MetadataPath: store.metaPath(name), TLSPath: store.tlsPath(name) },
  };
}

const inspectCommand: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect [names..]',
  describe: 'Display detailed information on one or more contexts (default: the current one)',
  builder: (y) => y.positional('names', { type: 'string', array: true, describe: 'context names' })
    .option('format', { alias: 'f', type: 'string', describe: 'format the output with a template ({{.Endpoints.docker.Host}})' }) as never,
  handler: async (a) => {
    const store = new ContextStore(configDir(process.env));
    const list = endpoints();
    const names = a.names?.length ? a.names : [currentEndpoint(list).name];
    await inspectEach(names, a.format, (n) => inspectView(n, store, list));
  },
};

const showCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'show',
  describe: 'Print the name of the current context',
  handler: () => { say(currentEndpoint(endpoints()).name); },
};

export const contextCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'context <command>',
  describe: 'Manage contexts: the engines berth can drive (its own, docker\'s default, docker\'s contexts)',
  builder: (y) => y.command(lsCommand).command(useCommand).command(createCommand).command(rmCommand).command(inspectCommand).command(showCommand)
    .demandCommand(1, 'name a context command: berth context --help') as never,
  handler: () => {},
};
