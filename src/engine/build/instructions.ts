// Nodes (parse.ts) into stages of typed instructions, checked as BuildKit's
// instructions package checks them: argument counts, the flags each
// instruction accepts, JSON (exec) versus shell forms, name=value pairs, stage
// names, ARGs before the first FROM. Values stay as written: they are expanded
// when the build reaches them (the variables in scope are only known then).
import { BerthError } from '../errors.js';
import { parseDockerfile, parseError, type Heredoc, type Node } from './parse.js';
import { splitWords } from './shell-lex.js';

export type CommandForm = { exec: string[] } | { shell: string };

export interface Health {
  none: boolean;
  test?: string[];
  interval?: string; timeout?: string; startPeriod?: string; startInterval?: string; retries?: string;
}

export type Instruction = { node: Node } & (
  | { kind: 'RUN'; cmd: CommandForm; network?: string; mounts: string[] }
  | { kind: 'CMD' | 'ENTRYPOINT'; cmd: CommandForm }
  | { kind: 'SHELL'; args: string[] }
  | { kind: 'ENV' | 'LABEL'; pairs: Array<[string, string]> }
  | { kind: 'ARG'; args: Array<{ name: string; value?: string }> }
  | { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; from?: string; chown?: string; chmod?: string; link: boolean; heredocs: Heredoc[] }
  | { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string }
  | { kind: 'EXPOSE' | 'VOLUME'; values: string[] }
  | { kind: 'HEALTHCHECK'; health: Health }
  | { kind: 'ONBUILD'; trigger: string }
);

export interface Stage {
  /** 0-based position in the Dockerfile. */
  index: number;
  /** `AS name`, lower-cased, or undefined. */
  name?: string;
  /** The base as written (expanded with the global ARGs at build time). */
  base: string;
  platform?: string;
  node: Node;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM. */
  globalArgs: Array<{ name: string; value?: string; node: Node }>;
  stages: Stage[];
  escape: string;
}

const FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  RUN: ['mount', 'network', 'security'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'keep-git-dir', 'checksum', 'exclude'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

export function parseInstructions(text: string): Dockerfile {
  const parsed = parseDockerfile(text);
  const df: Dockerfile = { globalArgs: [], stages: [], escape: parsed.escape };
  if (parsed.nodes.length === 0) throw parseError(1, 'file with no instructions');
  const names = new Set<string>();
  for (const node of parsed.nodes) {
    const flags = readFlags(node);
    if (node.keyword === 'FROM') {
      const args = node.rest.split(/\s+/).filter(Boolean);
      if (args.length !== 1 && args.length !== 3) throw parseError(node.line, 'FROM requires either one or three arguments');
      if (args.length === 3 && args[1].toLowerCase() !== 'as') throw parseError(node.line, "FROM requires either one or three arguments");
      let name: string | undefined;
      if (args.length === 3) {
        name = args[2].toLowerCase();
        if (!/^[a-z][a-z0-9\-_.]*$/.test(name)) throw parseError(node.line, `invalid name for build stage: "${args[2]}", name can't start with a number or contain symbols`);
        names.add(name); // docker takes a repeated name: a later reference means the latest stage so named
      }
      df.stages.push({ index: df.stages.length, name, base: args[0], platform: flags.get('platform'), node, instructions: [] });
      continue;
    }
    const ins = instruction(node, flags, parsed.escape);
    const stage = df.stages[df.stages.length - 1];
    if (!stage) {
      if (ins.kind !== 'ARG') throw parseError(node.line, 'no build stage in current context');
      for (const a of ins.args) df.globalArgs.push({ ...a, node });
      continue;
    }
    stage.instructions.push(ins);
  }
  if (df.stages.length === 0) throw parseError(parsed.nodes[parsed.nodes.length - 1].line, 'no build stage in current context');
  return df;
}

/** One instruction (also the trigger of an ONBUILD, parsed when a child stage runs it). */
export function parseTrigger(text: string, line: number, escape: string): Instruction {
  const node = parseDockerfile(text, line).nodes[0];
  if (!node) throw parseError(line, 'ONBUILD requires at least one argument');
  return instruction(node, readFlags(node), escape);
}

function readFlags(node: Node): Map<string, string> {
  const allowed = FLAGS[node.keyword] ?? [];
  const out = new Map<string, string>();
  for (const f of node.flags) {
    const eq = f.indexOf('=');
    const name = eq < 0 ? f : f.slice(0, eq);
    if (!allowed.includes(name)) throw parseError(node.line, `unknown flag: ${name}`);
    const value = eq < 0 ? 'true' : f.slice(eq + 1).replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
    out.set(name, name === 'mount' && out.has(name) ? `${out.get(name)}\n${value}` : value);
  }
  return out;
}

/** Flags BuildKit has that berth does not do yet: refused rather than ignored. */
const NOT_YET: Record<string, string[]> = { COPY: ['parents', 'exclude'], ADD: ['checksum', 'keep-git-dir', 'exclude'] };

function instruction(node: Node, flags: Map<string, string>, escape: string): Instruction {
  const { keyword: k, rest, line } = node;
  for (const f of NOT_YET[k] ?? []) {
    if (flags.has(f)) throw new BerthError('UNSUPPORTED', `dockerfile line ${line}: ${k} --${f} is not supported by berth yet`);
  }
  if (k === 'RUN' && (flags.get('security') ?? 'sandbox') !== 'sandbox') {
    throw new BerthError('UNSUPPORTED', `dockerfile line ${line}: RUN --security=${flags.get('security')} is not supported by berth`);
  }
  const atLeastOne = () => parseError(line, `${k} requires at least one argument`);
  const exactlyOne = () => parseError(line, `${k} requires exactly one argument`);
  switch (k) {
    case 'RUN': case 'CMD': case 'ENTRYPOINT': {
      if (k === 'RUN' && rest === '') throw atLeastOne();
      const cmd = commandForm(rest);
      if (k === 'RUN') return { node, kind: k, cmd, network: flags.get('network'), mounts: flags.get('mount')?.split('\n') ?? [] };
      return { node, kind: k, cmd };
    }
    case 'SHELL': {
      const cmd = commandForm(rest);
      if (!('exec' in cmd)) throw parseError(line, 'SHELL requires the arguments to be in JSON form');
      if (cmd.exec.length === 0) throw parseError(line, 'SHELL requires at least one argument');
      return { node, kind: k, args: cmd.exec };
    }
    case 'ENV': case 'LABEL':
      if (rest === '') throw atLeastOne();
      return { node, kind: k, pairs: nameValues(k, rest, line, escape) };
    case 'ARG': {
      const words = splitWords(rest, escape);
      if (words.length === 0) throw atLeastOne();
      return {
        node, kind: k, args: words.map((w) => {
          const eq = w.indexOf('=');
          const name = eq < 0 ? w : w.slice(0, eq);
          if (name === '') throw parseError(line, 'ARG names can not be blank');
          return eq < 0 ? { name } : { name, value: w.slice(eq + 1) };
        }),
      };
    }
    case 'COPY': case 'ADD': {
      const list = jsonList(rest) ?? rest.split(/\s+/).filter(Boolean);
      if (list.length < 2 && !(list.length === 1 && node.heredocs.length)) throw parseError(line, `${k} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      return {
        node, kind: k, sources: list.slice(0, -1), dest: list[list.length - 1], from: flags.get('from'),
        chown: flags.get('chown'), chmod: flags.get('chmod'), link: flags.has('link') && flags.get('link') !== 'false', heredocs: node.heredocs,
      };
    }
    case 'WORKDIR': case 'USER': case 'STOPSIGNAL': case 'MAINTAINER':
      if (rest === '') throw exactlyOne();
      return { node, kind: k, value: rest };
    case 'EXPOSE':
      if (rest === '') throw atLeastOne();
      return { node, kind: k, values: rest.split(/\s+/) };
    case 'VOLUME': {
      const values = jsonList(rest) ?? rest.split(/\s+/).filter(Boolean);
      if (values.length === 0) throw atLeastOne();
      if (values.some((v) => v.trim() === '')) throw parseError(line, 'VOLUME specified can not be an empty string');
      return { node, kind: k, values };
    }
    case 'HEALTHCHECK':
      return { node, kind: k, health: healthcheck(rest, flags, line) };
    case 'ONBUILD': {
      if (rest === '') throw atLeastOne();
      const trigger = /^\S+/.exec(rest)![0].toUpperCase();
      if (trigger === 'ONBUILD') throw parseError(line, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'FROM' || trigger === 'MAINTAINER') throw parseError(line, `${trigger} isn't allowed as an ONBUILD trigger`);
      parseTrigger(rest, line, escape); // a malformed trigger is refused now, not in the child
      return { node, kind: k, trigger: rest };
    }
  }
  throw parseError(line, `unknown instruction: ${k}`);
}

/** `["a","b"]` = exec form; anything else (broken JSON too, as docker) = shell form. */
export function commandForm(rest: string): CommandForm {
  const list = jsonList(rest);
  return list ? { exec: list } : { shell: rest };
}

function jsonList(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch { /* shell form */ }
  return undefined;
}

function nameValues(k: string, rest: string, line: number, escape: string): Array<[string, string]> {
  const words = splitWords(rest, escape);
  if (!words[0].includes('=')) {
    // the legacy `ENV name value with spaces`
    const m = /^(\S+)\s+([\s\S]+)$/.exec(rest);
    if (!m) throw parseError(line, `${k} must have two arguments`);
    return [[m[1], m[2]]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) throw parseError(line, `Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    if (eq === 0) throw parseError(line, `${k} names can not be blank`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function healthcheck(rest: string, flags: Map<string, string>, line: number): Health {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  if (!m) throw parseError(line, 'HEALTHCHECK requires an argument');
  const type = m[1].toUpperCase();
  if (type === 'NONE') {
    if (m[2] !== '' || flags.size) throw parseError(line, 'HEALTHCHECK NONE takes no arguments');
    return { none: true };
  }
  if (type !== 'CMD') throw parseError(line, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  if (m[2] === '') throw parseError(line, 'Missing command after HEALTHCHECK CMD');
  const cmd = commandForm(m[2]);
  const test = 'exec' in cmd ? ['CMD', ...cmd.exec] : ['CMD-SHELL', cmd.shell];
  return {
    none: false, test, interval: flags.get('interval'), timeout: flags.get('timeout'), startPeriod: flags.get('start-period'),
    startInterval: flags.get('start-interval'), retries: flags.get('retries'),
  };
}
