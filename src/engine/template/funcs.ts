// The functions a template may call: Go's builtins (comparison, logic, index,
// len, slice, print*) and docker's own (templates/templates.go: json, split,
// join, title, lower, upper, pad, truncate), with the header variants docker
// uses to draw a table's header line (they return the column name untouched).
// Each declares its parameter types so a wrong argument fails as in Go.
import { formatValue, goJson, sprint, sprintf, sprintln } from './fmt.js';
import { isGoMap, isTrue, mapZero, goTypeName } from './values.js';

export type Param = 'string' | 'int' | '[]string' | 'any';

export interface Func {
  params: Param[];
  /** type of the trailing variadic parameters, if any */
  variadic?: Param;
  /** and/or: arguments are evaluated only until the result is known */
  lazy?: 'and' | 'or';
  impl: (...args: any[]) => unknown;
}

const fn = (params: Param[], impl: Func['impl'], variadic?: Param): Func => ({ params, impl, variadic });

/** An error a function returns: exec reports it as "error calling NAME: …". */
export class CallError extends Error {}

type Kind = 'bool' | 'number' | 'string' | 'invalid' | 'other';
const kindOf = (v: unknown): Kind =>
  v === undefined || v === null ? 'invalid' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'other';

function eq(a: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new CallError('missing argument for comparison');
  const k1 = kindOf(a);
  for (const b of rest) {
    const k2 = kindOf(b);
    if (k1 !== k2) {
      // a missing value or nil against a value is simply not equal (Go's eq)
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new CallError('incompatible types for comparison');
      continue;
    }
    if (k1 === 'other') {
      if (typeof a === 'object' || typeof b === 'object') throw new CallError(`non-comparable type ${formatValue(b)}: ${goTypeName(b)}`);
    }
    if (a === b || (k1 === 'invalid' && k2 === 'invalid')) return true;
  }
  return false;
}

function ordered(a: unknown, b: unknown): [number | string, number | string] {
  const k1 = kindOf(a), k2 = kindOf(b);
  if (k1 === 'invalid' || k1 === 'other' || k1 === 'bool' || k2 === 'invalid' || k2 === 'other' || k2 === 'bool') {
    throw new CallError(k1 !== k2 && k1 !== 'invalid' && k2 !== 'invalid' && k1 !== 'other' && k2 !== 'other' ? 'incompatible types for comparison' : 'invalid type for comparison');
  }
  if (k1 !== k2) throw new CallError('incompatible types for comparison');
  return [a as number | string, b as number | string];
}

const lt = (a: unknown, b: unknown) => { const [x, y] = ordered(a, b); return x < y; };

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (v === undefined || v === null) throw new CallError('index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      if (typeof k !== 'number' || !Number.isInteger(k)) throw new CallError(`cannot index slice/array with type ${goTypeName(k)}`);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (k < 0 || k >= len) throw new CallError(`index out of range: ${k}`);
      v = typeof v === 'string' ? Buffer.from(v)[k] : v[k];
    } else if (typeof v === 'object') {
      if (typeof k !== 'string') throw new CallError(`value has type ${goTypeName(k)}; should be string`);
      const o = v as Record<string, unknown>;
      v = Object.prototype.hasOwnProperty.call(o, k) ? o[k] : isGoMap(o) ? mapZero(o) : undefined;
    } else {
      throw new CallError(`can't index item of type ${goTypeName(v)}`);
    }
  }
  return v;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (item === undefined || item === null) throw new CallError('slice of untyped nil');
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`);
  if (typeof item !== 'string' && !Array.isArray(item)) throw new CallError(`can't slice item of type ${goTypeName(item)}`);
  if (typeof item === 'string' && idx.length === 3) throw new CallError('cannot 3-index slice a string');
  const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
  const n = idx.map((x) => {
    if (typeof x !== 'number' || !Number.isInteger(x)) throw new CallError(`cannot index slice/array with type ${goTypeName(x)}`);
    return x;
  });
  const [i = 0, j = len] = n;
  if (i < 0 || j < i || j > len) throw new CallError(`index out of range: ${j > len ? j : i}`);
  return typeof item === 'string' ? Buffer.from(item).subarray(i, j).toString() : item.slice(i, j);
}

function len(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isGoMap(v)) return Object.keys(v).length;
  throw new CallError(`len of type ${goTypeName(v)}`);
}

/** strings.Title: the first letter of each word upper-cased. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}
const isSeparator = (ch: string): boolean => {
  if (ch.charCodeAt(0) < 0x80) return !/[A-Za-z0-9_]/.test(ch);
  return /\s/u.test(ch);
};

function split(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

const htmlEscape = (s: string) =>
  s.replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!);

export const BASIC_FUNCS: Record<string, Func> = {
  and: { params: ['any'], variadic: 'any', lazy: 'and', impl: () => undefined },
  or: { params: ['any'], variadic: 'any', lazy: 'or', impl: () => undefined },
  not: fn(['any'], (v) => !isTrue(v)),
  len: fn(['any'], len),
  index: fn(['any'], index, 'any'),
  slice: fn(['any'], slice, 'any'),
  print: fn([], (...a) => sprint(a), 'any'),
  printf: fn(['string'], (f: string, ...a) => sprintf(f, a), 'any'),
  println: fn([], (...a) => sprintln(a), 'any'),
  eq: fn(['any'], eq, 'any'),
  ne: fn(['any', 'any'], (a, b) => !eq(a, b)),
  lt: fn(['any', 'any'], lt),
  le: fn(['any', 'any'], (a, b) => lt(a, b) || eq(a, b)),
  gt: fn(['any', 'any'], (a, b) => !lt(a, b) && !eq(a, b)),
  ge: fn(['any', 'any'], (a, b) => !lt(a, b)),
  html: fn([], (...a) => htmlEscape(sprint(a)), 'any'),
  urlquery: fn([], (...a) => encodeURIComponent(sprint(a)).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`), 'any'),
  js: fn([], (...a) => sprint(a).replace(/[\\'"<>&=\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)), 'any'),
  // docker's templates/templates.go
  json: fn(['any'], goJson),
  split: fn(['string', 'string'], split),
  join: fn(['[]string', 'string'], (a: string[], sep: string) => a.join(sep)),
  title: fn(['string'], title),
  lower: fn(['string'], (s: string) => s.toLowerCase()),
  upper: fn(['string'], (s: string) => s.toUpperCase()),
  pad: fn(['string', 'int', 'int'], (s: string, pre: number, post: number) => (s === '' ? s : ' '.repeat(Math.max(0, pre)) + s + ' '.repeat(Math.max(0, post)))),
  truncate: fn(['string', 'int'], (s: string, n: number) => (Buffer.byteLength(s) < n ? s : Buffer.from(s).subarray(0, Math.max(0, n)).toString())),
};

/** docker's HeaderFunctions: a table's header keeps the column names as they are. */
export const HEADER_FUNCS: Record<string, Func> = {
  ...BASIC_FUNCS,
  json: fn(['string'], (v: string) => v),
  split: fn(['string', 'string'], (v: string) => v),
  join: fn(['string', 'string'], (v: string) => v),
  title: fn(['string'], (v: string) => v),
  lower: fn(['string'], (v: string) => v),
  upper: fn(['string'], (v: string) => v),
  truncate: fn(['string', 'int'], (v: string) => v),
};

export const FUNC_NAMES: ReadonlySet<string> = new Set(Object.keys(BASIC_FUNCS));
