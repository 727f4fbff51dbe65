// The parser of Go's text/template: the lexer's items into a tree of actions,
// with Go's checks at parse time (unknown functions, misplaced {{end}}/{{else}},
// undefined variables) and Go's wording for each, since scripts see them as
// docker's `template parsing error: template: :1: …`.
import { itemString, lex, TemplateSyntaxError, type Item } from './lex.js';

export type Arg =
  | { type: 'field'; pos: number; ident: string[] }
  | { type: 'variable'; pos: number; ident: string[] }
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'chain'; pos: number; node: Arg; field: string[] }
  | { type: 'pipe'; pos: number; pipe: Pipe }
  | { type: 'string'; pos: number; text: string; value: string }
  | { type: 'number'; pos: number; text: string; value: number; isInt: boolean }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'nil'; pos: number }
  | { type: 'dot'; pos: number };

export interface Command { pos: number; args: Arg[] }
export interface Pipe { pos: number; decl: string[]; isAssign: boolean; cmds: Command[] }

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pos: number; pipe: Pipe }
  | Control
  | { type: 'break' | 'continue'; pos: number };

export interface Control { type: 'if' | 'with' | 'range'; pos: number; pipe: Pipe; list: Node[]; elseList?: Node[] }

export interface Template { source: string; root: Node[] }

/** Parses `source`; `funcs` are the names a command may call. Throws TemplateSyntaxError. */
export function parse(source: string, funcs: ReadonlySet<string>): Template {
  const items = lex(source);
  let i = 0;
  const vars: string[][] = [['$']];
  let rangeDepth = 0;
  const peek = () => { const t = next(); backup(); return t; };
  const next = () => {
    const t = items[i++];
    if (t.type === 'error') throw new TemplateSyntaxError(t.line, t.val);
    return t;
  };
  const backup = () => { i--; };
  const nextNonSpace = () => { let t = next(); while (t.type === 'space') t = next(); return t; };
  const peekNonSpace = () => { const t = nextNonSpace(); backup(); return t; };
  const fail = (t: Item, msg: string): never => { throw new TemplateSyntaxError(t.line, msg); };
  const unexpected = (t: Item, context: string): never => fail(t, `unexpected ${itemString(t)} in ${context}`);

  type End = { kind: 'end' | 'else'; item: Item; elseIf?: 'if' | 'with' };

  /** Parses nodes until {{end}} or {{else}} (returned) or EOF (when `top`). */
  function list(top: boolean): { nodes: Node[]; end?: End } {
    const nodes: Node[] = [];
    for (;;) {
      const t = next();
      if (t.type === 'eof') {
        if (!top) fail(t, 'unexpected EOF');
        return { nodes };
      }
      if (t.type === 'text') { nodes.push({ type: 'text', text: t.val }); continue; }
      // leftDelim
      const k = peekNonSpace();
      if (k.type === 'keyword') {
        nextNonSpace();
        switch (k.val) {
          case 'end': {
            const r = nextNonSpace();
            if (r.type !== 'rightDelim') unexpected(r, 'end');
            if (top) fail(k, 'unexpected {{end}}');
            return { nodes, end: { kind: 'end', item: k } };
          }
          case 'else': {
            if (top) fail(k, 'unexpected {{else}}');
            const n = peekNonSpace();
            if (n.type === 'keyword' && (n.val === 'if' || n.val === 'with')) {
              nextNonSpace();
              return { nodes, end: { kind: 'else', item: k, elseIf: n.val } };
            }
            const r = nextNonSpace();
            if (r.type !== 'rightDelim') unexpected(r, 'else');
            return { nodes, end: { kind: 'else', item: k } };
          }
          case 'if': case 'with': case 'range':
            nodes.push(control(k.val, k));
            continue;
          case 'break': case 'continue': {
            const r = nextNonSpace();
            if (r.type !== 'rightDelim') unexpected(r, `{{${k.val}}}`);
            if (rangeDepth === 0) fail(k, `{{${k.val}}} outside {{range}}`);
            nodes.push({ type: k.val, pos: k.pos });
            continue;
          }
          default:
            fail(k, `{{${k.val}}} is not supported by berth's templates`);
        }
      }
      const p = pipeline('command', 'rightDelim');
      nodes.push({ type: 'action', pos: k.pos, pipe: p });
    }
  }

  /** if/with/range: the pipeline, the list, an optional else (or else-if chain), end. */
  function control(kind: 'if' | 'with' | 'range', at: Item): Node {
    vars.push([...vars[vars.length - 1]]);
    const p = pipeline(kind, 'rightDelim');
    if (kind === 'range') rangeDepth++;
    const body = list(false);
    if (kind === 'range') rangeDepth--;
    let elseList: Node[] | undefined;
    if (body.end!.kind === 'else') {
      if (body.end!.elseIf) {
        // {{else if x}} is {{else}}{{if x}}…{{end}} sharing the one {{end}}
        elseList = [control(body.end!.elseIf, body.end!.item)];
      } else {
        const e = list(false);
        if (e.end!.kind !== 'end') fail(e.end!.item, `expected end; found {{else}}`);
        elseList = e.nodes;
      }
    }
    vars.pop();
    return { type: kind, pos: at.pos, pipe: p, list: body.nodes, elseList };
  }

  function pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const start = peekNonSpace();
    const pipe: Pipe = { pos: start.pos, decl: [], isAssign: false, cmds: [] };
    // declarations: $x := / $x = / $i, $v :=
    const save = i;
    const v = nextNonSpace();
    if (v.type === 'variable') {
      const n = nextNonSpace();
      if (n.type === 'declare' || n.type === 'assign') {
        pipe.isAssign = n.type === 'assign';
        pipe.decl.push(v.val);
        if (n.type === 'declare') vars[vars.length - 1].push(v.val);
        else if (!isDeclared(v.val)) fail(v, `undefined variable "${v.val}"`);
      } else if (n.type === 'char' && n.val === ',' && context === 'range') {
        const v2 = nextNonSpace();
        const d = nextNonSpace();
        if (v2.type !== 'variable' || (d.type !== 'declare' && d.type !== 'assign')) fail(v2, 'range can only initialize variables');
        pipe.isAssign = d.type === 'assign';
        pipe.decl.push(v.val, v2.val);
        if (d.type === 'declare') vars[vars.length - 1].push(v.val, v2.val);
      } else i = save;
    } else i = save;
    for (;;) {
      const t = nextNonSpace();
      if (t.type === end) {
        checkPipeline(pipe, context, t);
        return pipe;
      }
      if (['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'nil', 'rawString', 'string', 'variable', 'leftParen'].includes(t.type)) {
        backup();
        pipe.cmds.push(command());
        continue;
      }
      unexpected(t, context);
    }
  }

  function checkPipeline(pipe: Pipe, context: string, t: Item): void {
    if (pipe.cmds.length === 0) fail(t, `missing value for ${context}`);
    for (const c of pipe.cmds.slice(1)) {
      const a = c.args[0];
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(a.type)) {
        fail(t, `non executable command in pipeline stage ${pipe.cmds.indexOf(c) + 1}`);
      }
    }
  }

  function command(): Command {
    const cmd: Command = { pos: peekNonSpace().pos, args: [] };
    for (;;) {
      peekNonSpace();
      const op = operand();
      if (op) cmd.args.push(op);
      const t = next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') { backup(); break; }
      if (t.type === 'pipe') break;
      unexpected(t, 'operand');
    }
    if (cmd.args.length === 0) fail(items[i], 'empty command');
    return cmd;
  }

  function operand(): Arg | undefined {
    const node = term();
    if (!node) return undefined;
    if (peek().type !== 'field') return node;
    const fields: string[] = [];
    while (peek().type === 'field') fields.push(next().val.slice(1));
    switch (node.type) {
      case 'field': return { type: 'field', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'variable': return { type: 'variable', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(items[i - 1], `unexpected . after term ${JSON.stringify(argString(node))}`);
      default: return { type: 'chain', pos: node.pos, node, field: fields };
    }
  }

  function term(): Arg | undefined {
    const t = nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!funcs.has(t.val)) fail(t, `function ${JSON.stringify(t.val)} not defined`);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot': return { type: 'dot', pos: t.pos };
      case 'nil': return { type: 'nil', pos: t.pos };
      case 'variable':
        if (!isDeclared(t.val)) fail(t, `undefined variable "${t.val}"`);
        return { type: 'variable', pos: t.pos, ident: [t.val] };
      case 'field': return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool': return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant': case 'number': return number(t);
      case 'leftParen': {
        const p = pipeline('parenthesized pipeline', 'rightParen');
        return { type: 'pipe', pos: t.pos, pipe: p };
      }
      case 'string': return { type: 'string', pos: t.pos, text: t.val, value: unquote(t) };
      case 'rawString': return { type: 'string', pos: t.pos, text: t.val, value: t.val.slice(1, -1) };
    }
    backup();
    return undefined;
  }

  function number(t: Item): Arg {
    if (t.type === 'charConstant') {
      const s = unquote({ ...t, val: `"${t.val.slice(1, -1).replace(/"/g, '\\"')}"` });
      if ([...s].length !== 1) fail(t, `malformed character constant: ${t.val}`);
      return { type: 'number', pos: t.pos, text: t.val, value: s.codePointAt(0)!, isInt: true };
    }
    const text = t.val.replace(/_/g, '');
    let value: number;
    if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) value = parseInt(text, 16);
    else if (/^[+-]?0[oO][0-7]+$/.test(text)) value = parseInt(text.replace(/0[oO]/, ''), 8);
    else if (/^[+-]?0[bB][01]+$/.test(text)) value = parseInt(text.replace(/0[bB]/, ''), 2);
    else if (/^[+-]?0[0-7]+$/.test(text)) value = parseInt(text, 8);
    else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) value = Number(text);
    else value = NaN; // imaginary and hex floats: Go has them, docker's data never needs them
    if (Number.isNaN(value)) fail(t, `bad number syntax: ${JSON.stringify(t.val)}`);
    const decimalFloat = !/^[+-]?0[xXoObB]/.test(text) && /[.eE]/.test(text);
    return { type: 'number', pos: t.pos, text: t.val, value, isInt: Number.isInteger(value) && !decimalFloat };
  }

  function unquote(t: Item): string {
    try {
      // Go's escapes that JSON lacks: \a \v \x41 \' \101 \U0001F600
      const body = t.val.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|U[0-9a-fA-F]{8}|a|v|')/g, (_, e: string) => {
        if (e === 'a') return '\\u0007';
        if (e === 'v') return '\\u000b';
        if (e === "'") return "'";
        if (e[0] === 'x') return `\\u00${e.slice(1)}`;
        if (e[0] === 'U') return String.fromCodePoint(parseInt(e.slice(1), 16));
        return `\\u${parseInt(e, 8).toString(16).padStart(4, '0')}`;
      });
      return JSON.parse(`"${body}"`) as string;
    } catch {
      return fail(t, `invalid syntax: ${t.val}`);
    }
  }

  function isDeclared(name: string): boolean {
    return vars[vars.length - 1].includes(name);
  }

  const root = list(true).nodes;
  return { source, root };
}

/** Go's Node.String(): how an exec error names the node ("at <index .Labels "k">"). */
export function argString(a: Arg): string {
  switch (a.type) {
    case 'field': return a.ident.map((f) => `.${f}`).join('');
    case 'variable': return a.ident.join('.');
    case 'identifier': return a.name;
    case 'chain': return `${argString(a.node)}${a.field.map((f) => `.${f}`).join('')}`;
    case 'pipe': return `(${pipeString(a.pipe)})`;
    case 'string': return a.text;
    case 'number': return a.text;
    case 'bool': return String(a.value);
    case 'nil': return 'nil';
    case 'dot': return '.';
  }
}

export function commandString(c: Command): string {
  return c.args.map(argString).join(' ');
}

export function pipeString(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(commandString).join(' | ');
}
