// Executes a parsed template on data the way Go's text/template does: dot and
// variables, field chains, methods with arguments, pipelines (the previous
// value is the last argument), if/with/range with else, break/continue, and
// Go's exec errors with their place: `template: :1:2: executing "" at <.Foo>:
// can't evaluate field Foo in type …`. Output is collected as it is produced,
// so a caller can keep what was written before an error (docker's table header does).
import type { Arg, Command, Control, Node, Pipe, Template } from './parse.js';
import { argString, commandString } from './parse.js';
import type { Func, Param } from './funcs.js';
import { formatValue } from './fmt.js';
import { goTypeName, isGoMap, isTrue, sortedKeys, structName, typedNil } from './values.js';

export class TemplateExecError extends Error {
  /** what the template had written before it failed */
  partial = '';
}

export interface ExecOptions {
  funcs: Record<string, Func>;
  /** docker's inspect fallback runs with missingkey=error: a missing map key is an error */
  missingKeyError?: boolean;
}

const MISSING = Symbol('missing');
type Final = unknown | typeof MISSING;
class Break {}
class Continue {}

export function execute(tpl: Template, data: unknown, opts: ExecOptions): string {
  const out: string[] = [];
  const vars: { name: string; value: unknown }[] = [{ name: '$', value: data }];
  // where an error would be reported: the node's text is made only when one is (a list's
  // template runs once a row, and each field it reads moves this)
  let atPos = 0;
  let atText = '';
  let atArg: Arg | undefined;

  const fail = (msg: string): never => {
    const before = Buffer.from(tpl.source.slice(0, atPos));
    const nl = before.lastIndexOf(0x0a);
    const line = 1 + before.filter((b) => b === 0x0a).length;
    const col = before.length - (nl + 1);
    const text = atArg ? argString(atArg) : atText;
    const ctx = text.length > 20 ? `${text.slice(0, 20)}...` : text;
    throw new TemplateExecError(`template: :${line}:${col}: executing "" at <${ctx}>: ${msg}`);
  };
  const setAt = (pos: number, text: string) => { atPos = pos; atText = text; atArg = undefined; };
  const setAtArg = (a: Arg) => { atPos = a.pos; atArg = a; };

  function walk(dot: unknown, nodes: Node[]): void {
    for (const n of nodes) {
      switch (n.type) {
        case 'text': out.push(n.text); break;
        case 'action': {
          const v = evalPipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) out.push(printable(v, n.pipe));
          break;
        }
        case 'if': case 'with': {
          const mark = vars.length;
          const v = evalPipeline(dot, n.pipe);
          if (isTrue(v)) walk(n.type === 'with' ? v : dot, n.list);
          else if (n.elseList) walk(dot, n.elseList);
          vars.length = mark;
          break;
        }
        case 'range': walkRange(dot, n); break;
        case 'break': throw new Break();
        case 'continue': throw new Continue();
      }
    }
  }

  function walkRange(dot: unknown, n: Control): void {
    const mark = vars.length;
    const v = evalPipeline(dot, n.pipe);
    const top = vars.length;
    const one = (index: unknown, elem: unknown): boolean => {
      if (n.pipe.decl.length === 1) set(n.pipe.decl[0], elem, n.pipe.isAssign);
      if (n.pipe.decl.length === 2) { set(n.pipe.decl[0], index, n.pipe.isAssign); set(n.pipe.decl[1], elem, n.pipe.isAssign); }
      try {
        walk(elem, n.list);
      } catch (e) {
        if (e instanceof Break) return false;
        if (!(e instanceof Continue)) throw e;
      } finally {
        vars.length = top;
      }
      return true;
    };
    let any = false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { any = true; if (!one(i, v[i])) break; }
    } else if (typeof v === 'number' && Number.isInteger(v)) {
      for (let i = 0; i < v; i++) { any = true; if (!one(i, i)) break; }
    } else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of sortedKeys(o)) { if (typeof o[k] === 'function') continue; any = true; if (!one(k, o[k])) break; }
    } else if (v !== undefined && v !== null) {
      setAt(n.pos, 'range');
      fail(`range can't iterate over ${formatValue(v)}`);
    }
    if (!any && n.elseList) walk(dot, n.elseList);
    vars.length = mark;
  }

  /** declared in the range's pipeline: the variables are the top ones, set in place */
  function set(name: string, value: unknown, assign: boolean): void {
    for (let i = vars.length - 1; i >= 0; i--) {
      if (vars[i].name === name) { vars[i].value = value; return; }
    }
    if (!assign) vars.push({ name, value });
  }

  function evalPipeline(dot: unknown, pipe: Pipe): unknown {
    let value: Final = MISSING;
    for (const c of pipe.cmds) value = evalCommand(dot, c, value);
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) set(d, v, true);
      else vars.push({ name: d, value: v });
    }
    return v;
  }

  function evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field': return evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain': {
        const recv = evalArg(dot, first.node);
        return evalFieldChain(dot, recv, first, first.field, cmd.args, final);
      }
      case 'identifier': return evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        notAFunction(cmd.args, final, first);
        return evalPipeline(dot, first.pipe);
      case 'variable': {
        const v = variable(first.ident[0], first);
        if (first.ident.length === 1) { notAFunction(cmd.args, final, first); return v; }
        return evalFieldChain(dot, v, first, first.ident.slice(1), cmd.args, final);
      }
    }
    setAtArg(first);
    notAFunction(cmd.args, final, first);
    switch (first.type) {
      case 'bool': return first.value;
      case 'dot': return dot;
      case 'nil': return fail('nil is not a command');
      case 'number': return first.value;
      case 'string': return first.value;
    }
  }

  function notAFunction(args: Arg[], final: Final, node: Arg): void {
    if (args.length > 1 || final !== MISSING) {
      setAtArg(node);
      fail(`can't give argument to non-function ${argString(args[0])}`);
    }
  }

  function variable(name: string, node: Arg): unknown {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === name) return vars[i].value;
    setAtArg(node);
    return fail(`undefined variable: ${name}`);
  }

  function evalFieldChain(dot: unknown, recv: unknown, node: Arg, ident: string[], args: Arg[], final: Final): unknown {
    let v = recv;
    for (let i = 0; i < ident.length - 1; i++) v = evalField(dot, ident[i], node, [], MISSING, v);
    return evalField(dot, ident[ident.length - 1], node, args, final, v);
  }

  function evalField(dot: unknown, name: string, node: Arg, args: Arg[], final: Final, recv: unknown): unknown {
    setAtArg(node);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (recv === undefined) {
      if (opts.missingKeyError) fail(`nil data; no entry for key "${name}"`);
      return undefined;
    }
    if (recv === null) return fail(`nil pointer evaluating interface {}.${name}`);
    if (typeof recv === 'object' && !Array.isArray(recv)) {
      const o = recv as Record<string, unknown>;
      const own = Object.prototype.hasOwnProperty.call(o, name);
      const v = own ? o[name] : undefined;
      if (typeof v === 'function') return call(dot, v as Func['impl'], methodParams(v), name, node, { pos: node.pos, args }, args, final);
      if (isGoMap(o)) {
        if (hasArgs) fail(`${name} is not a method but has arguments`);
        if (!own && opts.missingKeyError) fail(`map has no entry for key "${name}"`);
        return v;
      }
      if (own) {
        if (hasArgs) fail(`${name} has arguments but cannot be invoked as function`);
        return v === null ? typedNil(o, name) : v;
      }
      const type = structName(o);
      return fail(type ? `can't evaluate field ${name} in type ${type}` : `map has no entry for key "${name}"`);
    }
    return fail(`can't evaluate field ${name} in type ${goTypeName(recv)}`);
  }

  function evalFunction(dot: unknown, name: string, node: Arg, cmd: Command, args: Arg[], final: Final): unknown {
    setAt(node.pos, name);
    const f = opts.funcs[name];
    if (!f) return fail(`"${name}" is not a defined function`);
    if (f.lazy) {
      const rest = args.slice(1);
      if (rest.length === 0 && final === MISSING) fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (const a of rest) {
        v = evalArg(dot, a);
        if (isTrue(v) === (f.lazy === 'or')) return v;
      }
      return final !== MISSING ? final : v;
    }
    return call(dot, f.impl, f, name, node, cmd, args, final);
  }

  function call(dot: unknown, impl: Func['impl'], f: Pick<Func, 'params' | 'variadic'>, name: string, node: Arg, cmd: Command, args: Arg[], final: Final): unknown {
    const given = args.slice(1);
    const n = given.length + (final !== MISSING ? 1 : 0);
    if (f.variadic ? n < f.params.length : n !== f.params.length) {
      setAtArg(node);
      fail(`wrong number of args for ${name}: want ${f.variadic ? 'at least ' : ''}${f.params.length} got ${n}`);
    }
    const values: unknown[] = given.map((a, i) => check(evalArg(dot, a), f.params[i] ?? f.variadic!, a));
    if (final !== MISSING) values.push(check(final, f.params[values.length] ?? f.variadic!, cmd.args[0]));
    try {
      return impl(...values);
    } catch (e) {
      if (e instanceof TemplateExecError || !(e instanceof Error)) throw e;
      setAt(cmd.pos, commandString(cmd));
      return fail(`error calling ${name}: ${e.message}`);
    }
  }

  function check(v: unknown, p: Param, node: Arg): unknown {
    const ok = p === 'any' || (p === 'string' && typeof v === 'string') || (p === 'int' && typeof v === 'number' && Number.isInteger(v))
      || (p === '[]string' && (v === null || v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'))));
    if (ok) return p === '[]string' && !Array.isArray(v) ? [] : v;
    setAtArg(node);
    if (v === undefined || v === null) return fail(`invalid value; expected ${p}`);
    return fail(`wrong type for value; expected ${p}; got ${goTypeName(v)}`);
  }

  function evalArg(dot: unknown, a: Arg): unknown {
    setAtArg(a);
    switch (a.type) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'field': return evalFieldChain(dot, dot, a, a.ident, [a], MISSING);
      case 'variable': {
        const v = variable(a.ident[0], a);
        return a.ident.length === 1 ? v : evalFieldChain(dot, v, a, a.ident.slice(1), [a], MISSING);
      }
      case 'pipe': return evalPipeline(dot, a.pipe);
      case 'identifier': return evalFunction(dot, a.name, a, { pos: a.pos, args: [a] }, [a], MISSING);
      case 'chain': {
        if (a.node.type === 'nil') fail('indirection through explicit nil');
        return evalFieldChain(dot, evalArg(dot, a.node), a, a.field, [a], MISSING);
      }
      case 'bool': case 'number': case 'string': return a.value;
    }
  }

  function printable(v: unknown, pipe: Pipe): string {
    if (typeof v === 'function') {
      setAt(pipe.pos, '');
      fail("can't print value of type func");
    }
    return formatValue(v);
  }

  try {
    walk(data, tpl.root);
  } catch (e) {
    if (e instanceof TemplateExecError) e.partial = out.join('');
    throw e;
  }
  return out.join('');
}

/** A method's parameters: its arity as strings (docker's methods with arguments take strings). */
const methodParams = (f: Function): Pick<Func, 'params'> => ({ params: Array.from({ length: f.length }, () => 'string' as Param) });
