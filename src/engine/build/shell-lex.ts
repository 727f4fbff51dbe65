// Variable expansion and quote removal where the Dockerfile builder does it
// (FROM, ENV, ARG, LABEL, COPY/ADD, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL,
// ONBUILD is not expanded; RUN/CMD/ENTRYPOINT are left to the shell), with
// BuildKit's shell lexer rules: single quotes are literal, double quotes expand
// and honour escapes of `"`, `$` and the escape character only, an escape
// outside quotes makes the next character literal, `$NAME`, `${NAME}`,
// `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`,
// `${NAME:?msg}`, `${NAME?msg}`; an unset variable is empty.
import { invalid } from '../errors.js';

export type Vars = Map<string, string>;

export function varsOf(env: string[]): Vars {
  const m: Vars = new Map();
  for (const e of env) {
    const eq = e.indexOf('=');
    if (eq < 0) m.set(e, '');
    else m.set(e.slice(0, eq), e.slice(eq + 1));
  }
  return m;
}

/** One word: quotes removed, variables expanded. `used` collects the names looked up.
 * `raw` (a COPY heredoc's content): only variables expand, quotes and escapes stay as written. */
export function processWord(word: string, vars: Vars, escape = '\\', used?: Set<string>, raw = false): string {
  let i = 0;
  const s = word;
  let out = '';
  const lookup = (name: string): string | undefined => {
    used?.add(name);
    return vars.get(name);
  };
  const dollar = (): string => {
    // s[i] === '$'
    i++;
    if (s[i] === '{') {
      i++;
      const nm = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(s.slice(i));
      if (!nm) throw invalid(`bad substitution: "\${${s.slice(i, s.indexOf('}', i) < 0 ? undefined : s.indexOf('}', i))}}"`);
      const name = nm[0];
      i += name.length;
      if (s[i] === '}') { i++; return lookup(name) ?? ''; }
      let colon = false;
      if (s[i] === ':') { colon = true; i++; }
      const mod = s[i];
      if (!colon && (mod === undefined || !'-+?'.includes(mod))) throw invalid("missing ':' in substitution");
      if (mod === undefined) throw invalid("syntax error: missing '}'");
      if (!'-+?'.includes(mod)) throw invalid(`unsupported modifier (${colon ? ':' : ''}${mod}) in substitution`);
      i++;
      const word = nested();
      const v = lookup(name);
      const isSet = colon ? v !== undefined && v !== '' : v !== undefined;
      if (mod === '-') return isSet ? v! : word;
      if (mod === '+') return isSet ? word : '';
      if (!isSet) throw invalid(`${name}: ${word || 'is not allowed to be unset'}`);
      return v!;
    }
    const nm = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(s.slice(i));
    if (!nm) return '$';
    i += nm[0].length;
    return lookup(nm[0]) ?? '';
  };
  // the word of a ${NAME:-word}: up to the matching }, itself expanded
  const nested = (): string => {
    let w = '';
    while (i < s.length && s[i] !== '}') {
      const c = s[i];
      if (c === escape && i + 1 < s.length) { w += s[i + 1]; i += 2; }
      else if (c === '$') w += dollar();
      else if (c === "'") { const e = s.indexOf("'", i + 1); if (e < 0) throw invalid('unexpected end of statement while looking for matching single-quote'); w += s.slice(i + 1, e); i = e + 1; }
      else if (c === '"') w += dquote();
      else { w += c; i++; }
    }
    if (s[i] !== '}') throw invalid("syntax error: missing '}'");
    i++;
    return w;
  };
  const dquote = (): string => {
    i++;
    let w = '';
    for (;;) {
      if (i >= s.length) throw invalid('unexpected end of statement while looking for matching double-quote');
      const c = s[i];
      if (c === '"') { i++; return w; }
      if (c === '$') { w += dollar(); continue; }
      if (c === escape && i + 1 < s.length && (s[i + 1] === '"' || s[i + 1] === '$' || s[i + 1] === escape)) { w += s[i + 1]; i += 2; continue; }
      w += c;
      i++;
    }
  };
  while (raw && i < s.length) {
    if (s[i] === '$') out += dollar();
    else out += s[i++];
  }
  while (i < s.length) {
    const c = s[i];
    if (c === "'") {
      const e = s.indexOf("'", i + 1);
      if (e < 0) throw invalid('unexpected end of statement while looking for matching single-quote');
      out += s.slice(i + 1, e);
      i = e + 1;
    } else if (c === '"') out += dquote();
    else if (c === '$') out += dollar();
    else if (c === escape) {
      if (i + 1 < s.length) out += s[i + 1];
      i += 2;
    } else { out += c; i++; }
  }
  return out;
}

/** BuildKit's parseWords: split at unquoted whitespace, quotes and escapes kept in the words. */
export function splitWords(s: string, escape = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!quote && /\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    cur += c;
    if (c === escape && quote !== "'" && i + 1 < s.length) { cur += s[++i]; continue; }
    if (quote) { if (c === quote) quote = ''; } else if (c === '"' || c === "'") quote = c;
  }
  if (inWord) out.push(cur);
  return out;
}
