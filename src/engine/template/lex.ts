// The lexer of Go's text/template, as docker's --format and inspect -f use it.
// It follows Go's lexer item by item (fields, variables, chars, trim markers,
// comments) so that the parser can report Go's own messages: a script that
// greps for `unexpected "}" in operand` sees the same words as with docker.

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier' | 'keyword'
  | 'string' | 'rawString' | 'charConstant' | 'number' | 'bool' | 'nil' | 'dot' | 'declare' | 'assign'
  | 'pipe' | 'leftParen' | 'rightParen' | 'char' | 'eof' | 'error';

export interface Item { type: ItemType; val: string; pos: number; line: number }

export class TemplateSyntaxError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`template: :${line}: ${detail}`);
  }
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const SPACE = /[ \t\r\n]/;
const UNICODE_ALNUM = /[\p{L}\p{N}_]/u;
/** Go's letter or digit (or _). ASCII is answered without the Unicode classes, whose regexp
 * costs a list command about as much to compile as its template's whole lexing. */
const isAlnum = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || (c > '\x7f' && UNICODE_ALNUM.test(c));

/** Go's item.String(), used in "unexpected X in Y". */
export function itemString(i: Item): string {
  if (i.type === 'eof') return 'EOF';
  if (i.type === 'keyword') return `<${i.val}>`;
  const q = goQuoteShort(i.val);
  return i.val.length > 10 ? `${goQuoteShort(i.val.slice(0, 10))}...` : q;
}
const goQuoteShort = (s: string) => JSON.stringify(s);

/** The items of `input`; a lexical error becomes an 'error' item where it was found, so the
 *  parser reports an earlier mistake first, as Go's concurrent lexer and parser do. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  try {
    lexInto(input, items);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    items.push({ type: 'error', val: e.detail, pos: input.length, line: e.line });
  }
  return items;
}

function lexInto(input: string, items: Item[]): void {
  let pos = 0, line = 1, start = 0, startLine = 1;
  let parenDepth = 0;
  const emit = (type: ItemType, end = pos) => {
    items.push({ type, val: input.slice(start, end), pos: start, line: startLine });
    start = end; startLine = line;
  };
  const fail = (msg: string): never => { throw new TemplateSyntaxError(startLine, msg); };
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) if (input[pos + k] === '\n') line++;
    pos += n;
  };
  const skip = () => { start = pos; startLine = line; };

  while (pos <= input.length) {
    // text up to the next {{
    const open = input.indexOf('{{', pos);
    if (open < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      break;
    }
    const trimLeft = input[open + 2] === '-' && SPACE.test(input[open + 3] ?? '');
    let textEnd = open;
    if (trimLeft) while (textEnd > start && SPACE.test(input[textEnd - 1])) textEnd--;
    advance(open - pos);
    if (textEnd > start) emit('text', textEnd);
    skip();
    // comment: {{/* ... */}} alone in its action
    const afterOpen = open + 2 + (trimLeft ? 2 : 0);
    if (input.startsWith('/*', afterOpen)) {
      const close = input.indexOf('*/', afterOpen + 2);
      if (close < 0) fail('unclosed comment');
      advance(close + 2 - pos);
      let trimRight = false;
      if (input.startsWith(' -}}', pos) || (SPACE.test(input[pos] ?? '') && input.startsWith('-}}', pos + 1))) { trimRight = true; advance(4); }
      else if (input.startsWith('}}', pos)) advance(2);
      else fail('comment ends before closing delimiter');
      skip();
      if (trimRight) { while (pos < input.length && SPACE.test(input[pos])) advance(1); skip(); }
      continue;
    }
    advance(2 + (trimLeft ? 2 : 0));
    items.push({ type: 'leftDelim', val: '{{', pos: open, line: startLine });
    skip();
    // inside the action
    for (;;) {
      const rest = input.slice(pos);
      const trimRight = /^[ \t\r\n]-}}/.test(rest);
      if (trimRight || rest.startsWith('}}')) {
        if (parenDepth > 0) fail('unclosed left paren');
        if (trimRight) { advance(1); skip(); }
        items.push({ type: 'rightDelim', val: '}}', pos, line });
        advance(trimRight ? 3 : 2);
        skip();
        if (trimRight) { while (pos < input.length && SPACE.test(input[pos])) advance(1); skip(); }
        break;
      }
      if (pos >= input.length) fail('unclosed action');
      const c = input[pos];
      if (c === '\n' || c === '\r' || c === ' ' || c === '\t') {
        while (pos < input.length && SPACE.test(input[pos]) && !/^[ \t\r\n]-}}/.test(input.slice(pos))) advance(1);
        emit('space');
      } else if (c === '=') { advance(1); emit('assign'); }
      else if (c === ':') {
        if (input[pos + 1] !== '=') fail('expected :=');
        advance(2); emit('declare');
      } else if (c === '|') { advance(1); emit('pipe'); }
      else if (c === '"') {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === '\\') { advance(2); continue; }
          if (ch === undefined || ch === '\n') fail('unterminated quoted string');
          advance(1);
          if (ch === '"') break;
        }
        emit('string');
      } else if (c === '`') {
        const close = input.indexOf('`', pos + 1);
        if (close < 0) fail('unterminated raw quoted string');
        advance(close + 1 - pos); emit('rawString');
      } else if (c === "'") {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === '\\') { advance(2); continue; }
          if (ch === undefined || ch === '\n') fail('unterminated character constant');
          advance(1);
          if (ch === "'") break;
        }
        emit('charConstant');
      } else if (c === '$') {
        advance(1);
        while (pos < input.length && isAlnum(input[pos])) advance(1);
        emit('variable');
      } else if (c === '.') {
        if (/[0-9]/.test(input[pos + 1] ?? '')) { scanNumber(); continue; }
        advance(1);
        if (pos < input.length && isAlnum(input[pos])) {
          while (pos < input.length && isAlnum(input[pos])) advance(1);
          emit('field');
        } else emit('dot');
      } else if (c === '+' || c === '-' || /[0-9]/.test(c)) {
        scanNumber();
      } else if (isAlnum(c)) {
        while (pos < input.length && isAlnum(input[pos])) advance(1);
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word)) emit('keyword');
        else if (word === 'true' || word === 'false') emit('bool');
        else if (word === 'nil') emit('nil');
        else emit('identifier');
      } else if (c === '(') { advance(1); parenDepth++; emit('leftParen'); }
      else if (c === ')') {
        advance(1); parenDepth--;
        if (parenDepth < 0) fail('unexpected right paren');
        emit('rightParen');
      } else if (c.charCodeAt(0) < 0x7f && c.charCodeAt(0) >= 0x20) { advance(1); emit('char'); }
      else fail(`unrecognized character in action: ${goRune(input.codePointAt(pos)!)}`);
    }
  }
  items.push({ type: 'eof', val: '', pos: input.length, line });

  function scanNumber(): void {
    if (input[pos] === '+' || input[pos] === '-') advance(1);
    let digits = '0123456789_';
    if (input[pos] === '0' && /[xXoObB]/.test(input[pos + 1] ?? '')) {
      const k = input[pos + 1].toLowerCase();
      digits = k === 'x' ? '0123456789abcdefABCDEF_' : k === 'o' ? '01234567_' : '01_';
      advance(2);
    }
    const run = () => { while (pos < input.length && digits.includes(input[pos])) advance(1); };
    run();
    if (input[pos] === '.') { advance(1); run(); }
    if (digits.length <= 11 && /[eE]/.test(input[pos] ?? '')) {
      advance(1);
      if (input[pos] === '+' || input[pos] === '-') advance(1);
      while (/[0-9_]/.test(input[pos] ?? '')) advance(1);
    }
    if (input[pos] === 'i') advance(1);
    if (pos < input.length && isAlnum(input[pos])) {
      advance(1);
      fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    }
    emit('number');
  }
}

/** Go's %#U of a rune: U+007D '}' */
function goRune(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`;
}
