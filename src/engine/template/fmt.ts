// Go's fmt as templates reach it: %v printing of values (map[k:v], [a b], {a b},
// <nil>), Sprint / Sprintln spacing, Sprintf with the verbs docker users write
// (%s %d %v %q %x %X %o %b %c %f %e %g %t %T %%, flags - + 0 space #, width and
// precision, * from the arguments) and Go's complaints for a wrong argument
// (%!d(string=x), %!s(MISSING), %!(EXTRA int=1)). strconv.Quote and
// encoding/json are here too: ps's COMMAND column is strconv.Quote'd.
import { goTypeName, isGoMap, isTrue, jsonTagsOf, NIL_MAP, NIL_SLICE, sortedKeys, structFields } from './values.js';

/** strconv.Quote: Go's double-quoted string, \a \b \f \n \r \t \v, \x.. for other control bytes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0xd800 && cp < 0xe000)) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Go's %v of a float64 (strconv 'g', shortest: an exponent below 1e-4 and from 1e6). */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = f.toExponential().split('e');
    const n = Number(e);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(f);
}

/** fmt's %v of any value. `top`: a pointer at the top level prints its target. */
export function formatValue(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'bigint') return v.toString(); // an int64 beyond 2^53 (nanosecond stamps)
  if (typeof v === 'function') return '<func>';
  return inner(v);
}

function inner(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v !== 'object') return formatValue(v);
  if (Array.isArray(v)) return `[${v.map(inner).join(' ')}]`;
  if (isGoMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${inner(v[k])}`).join(' ')}]`;
  return `{${structFields(v).map(([, x]) => inner(x)).join(' ')}}`;
}

/** encoding/json as docker's `json` function uses it: no HTML escaping, map keys sorted. */
export function goJson(v: unknown): string {
  if (v === undefined || v === null || v === NIL_SLICE || v === NIL_MAP) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const entries = isGoMap(v) ? sortedKeys(v).map((k) => [k, v[k]] as const) : jsonFields(v);
  return `{${entries.filter(([, x]) => x !== undefined).map(([k, x]) => `${goJson(k)}:${goJson(x)}`).join(',')}}`;
}

/** A struct's fields under their json names (goJsonTags), omitempty's zero values left out. */
function jsonFields(v: object): (readonly [string, unknown])[] {
  const tags = jsonTagsOf(v);
  if (!tags) return structFields(v);
  return structFields(v).flatMap(([k, x]) => {
    const [name, ...opts] = (tags[k] ?? k).split(',');
    return opts.includes('omitempty') && !isTrue(x) ? [] : [[name || k, x] as const];
  });
}

const isStringish = (v: unknown) => typeof v === 'string';

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && !isStringish(a) && !isStringish(args[i - 1])) out += ' ';
    out += formatValue(nilToNil(a));
  });
  return out;
}

/** fmt.Sprintln: spaces always, and a newline. */
export const sprintln = (args: unknown[]): string => args.map((a) => formatValue(nilToNil(a))).join(' ') + '\n';

// fmt prints an invalid value passed as an argument as <nil> too
const nilToNil = (v: unknown) => (v === undefined ? null : v);

interface Spec { minus: boolean; plus: boolean; zero: boolean; space: boolean; sharp: boolean; width?: number; prec?: number }

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c !== '%') { out += c; i++; continue; }
    i++;
    const spec: Spec = { minus: false, plus: false, zero: false, space: false, sharp: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '0') spec.zero = !spec.minus;
      else if (f === ' ') spec.space = true;
      else if (f === '#') spec.sharp = true;
      else break;
    }
    const num = (): number | undefined => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' ? Math.trunc(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = num();
    if (spec.width !== undefined && spec.width < 0) { spec.minus = true; spec.width = -spec.width; }
    if (format[i] === '.') { i++; spec.prec = num() ?? 0; }
    if (i >= format.length) { out += '%!(NOVERB)'; break; }
    const verb = format[i++];
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    out += formatOne(verb, nilToNil(args[argi++]), spec);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args.slice(argi).map((a) => `${goTypeName(nilToNil(a))}=${formatValue(nilToNil(a))}`).join(', ')})`;
  }
  return out;
}

function pad(s: string, spec: Spec, numeric = false): string {
  const w = spec.width ?? 0;
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - len);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  }
  return ' '.repeat(w - len) + s;
}

const bad = (verb: string, v: unknown) => `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;

function formatOne(verb: string, v: unknown, spec: Spec): string {
  const sign = (n: number, s: string) => (n < 0 ? s : spec.plus ? `+${s}` : spec.space ? ` ${s}` : s);
  switch (verb) {
    case 'v':
      if (spec.sharp && typeof v === 'string') return pad(goQuote(v), spec);
      if (typeof v === 'number' && Number.isInteger(v)) return pad(sign(v, String(v)), spec, true);
      return pad(formatValue(v), spec);
    case 's':
      if (typeof v === 'number' || typeof v === 'boolean') return bad(verb, v);
      if (typeof v === 'string' && spec.prec !== undefined) return pad([...v].slice(0, spec.prec).join(''), spec);
      return pad(formatValue(v), spec);
    case 'q':
      if (typeof v === 'string') return pad(spec.sharp && !v.includes('`') ? `\`${v}\`` : goQuote(v), spec);
      if (typeof v === 'number' && Number.isInteger(v)) return pad(`'${String.fromCodePoint(v)}'`, spec);
      if (Array.isArray(v)) return pad(`[${v.map((x) => (typeof x === 'string' ? goQuote(x) : formatValue(x))).join(' ')}]`, spec);
      return bad(verb, v);
    case 't':
      return typeof v === 'boolean' ? pad(String(v), spec) : bad(verb, v);
    case 'T':
      return pad(goTypeName(v), spec);
    case 'd': case 'b': case 'o': case 'O': case 'x': case 'X': case 'c': case 'U': {
      if (typeof v === 'number' && Number.isInteger(v)) return pad(integer(verb, v, spec), spec, verb !== 'c');
      if ((verb === 'x' || verb === 'X') && typeof v === 'string') {
        const hex = Buffer.from(v).toString('hex');
        return pad(verb === 'X' ? hex.toUpperCase() : hex, spec);
      }
      if (typeof v === 'number' && (verb === 'x' || verb === 'X')) return pad(v.toString(16), spec);
      if (Array.isArray(v) && verb === 'd') return `[${v.map((x) => formatOne(verb, x, { ...spec, width: undefined })).join(' ')}]`;
      return bad(verb, v);
    }
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
      if (typeof v !== 'number') return bad(verb, v);
      let s: string;
      if (verb === 'f' || verb === 'F') s = Math.abs(v).toFixed(spec.prec ?? 6);
      else if (verb === 'e' || verb === 'E') s = goExp(Math.abs(v).toExponential(spec.prec ?? 6));
      else s = spec.prec === undefined ? goFloat(Math.abs(v)) : goExp(Number(Math.abs(v).toPrecision(spec.prec || 1)).toString());
      if (verb === 'E' || verb === 'G') s = s.toUpperCase();
      return pad(sign(v, v < 0 || Object.is(v, -0) ? `-${s}` : s), spec, true);
    }
    default:
      return bad(verb, v);
  }
}

const goExp = (s: string) => s.replace(/e([+-])(\d)$/, 'e$10$2');

function integer(verb: string, n: number, spec: Spec): string {
  const neg = n < 0;
  const a = Math.abs(n);
  let s: string;
  switch (verb) {
    case 'b': s = a.toString(2); break;
    case 'o': s = (spec.sharp ? '0' : '') + a.toString(8); break;
    case 'O': s = '0o' + a.toString(8); break;
    case 'x': s = (spec.sharp ? '0x' : '') + a.toString(16); break;
    case 'X': s = (spec.sharp ? '0X' : '') + a.toString(16).toUpperCase(); break;
    case 'c': return String.fromCodePoint(n);
    case 'U': return `U+${a.toString(16).toUpperCase().padStart(4, '0')}`;
    default: s = String(a);
  }
  if (spec.prec !== undefined) s = s.padStart(spec.prec, '0');
  return neg ? `-${s}` : spec.plus ? `+${s}` : spec.space ? ` ${s}` : s;
}
