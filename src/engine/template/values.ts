// How JavaScript data stands for Go values in templates. Docker executes its
// templates on Go structs and maps, and the difference shows: a struct has
// fixed fields (a missing one is an error, it prints as {a b}), a map has keys
// (a missing one is "no value", `index` gives the element's zero value, it
// prints as map[k:v] with sorted keys, json sorts its keys). Plain objects are
// structs; a producer marks the objects that are maps in docker's types
// (Labels, Options, GraphDriver.Data…) with goMap(). undefined is Go's invalid
// value ("<no value>"), null is nil ("<nil>"). Functions on an object are its
// methods (`.Label "k"` on a ps row).

const maps = new WeakMap<object, unknown>();
const structNames = new WeakMap<object, string>();
const nilKinds = new WeakMap<object, Record<string, 'slice' | 'map'>>();

/** Go's nil slice and nil map as a template sees them (printed [] and map[], json null). JSON
 *  data keeps its null: the executor hands these out only when it reads a field goNils() named. */
export const NIL_SLICE: readonly unknown[] = Object.freeze([]);
export const NIL_MAP: object = Object.freeze(Object.create(null) as object);
maps.set(NIL_MAP, ''); // docker's nil maps are map[string]string (Labels): index gives ""


/** Names the fields of `obj` whose null is a nil slice or map in docker's types, not a nil pointer. */
export function goNils<T extends object>(obj: T, kinds: Record<string, 'slice' | 'map'>): T {
  nilKinds.set(obj, kinds);
  return obj;
}

export function typedNil(obj: object, field: string): unknown {
  const k = nilKinds.get(obj)?.[field];
  return k === 'slice' ? NIL_SLICE : k === 'map' ? NIL_MAP : null;
}

/** Marks `obj` as a Go map whose missing keys read as `zero` (docker's map[string]string: ""). */
export function goMap<T extends object>(obj: T, zero: unknown = ''): T {
  maps.set(obj, zero);
  return obj;
}

const jsonTags = new WeakMap<object, Record<string, string>>();

/** A struct's encoding/json tags where they differ from its field names: `{Status:
 *  'status,omitempty'}` (docker's events.Message); json prints those names, and leaves out
 *  a zero value of an omitempty field. */
export function goJsonTags<T extends object>(obj: T, tags: Record<string, string>): T {
  jsonTags.set(obj, tags);
  return obj;
}

export const jsonTagsOf = (obj: object): Record<string, string> | undefined => jsonTags.get(obj);

/** Names the Go type of a struct, for "can't evaluate field X in type T". */
export function goStruct<T extends object>(obj: T, typeName: string): T {
  structNames.set(obj, typeName);
  return obj;
}

export const isGoMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (maps.has(v) || v === NIL_MAP);

export const mapZero = (m: object): unknown => maps.get(m);

export const isStruct = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !maps.has(v);

export const structName = (v: object): string | undefined => structNames.get(v);

/** Go's type name of a value, as error messages print it. */
export function goTypeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'function') return 'func';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') && v.length ? '[]string' : '[]interface {}';
  if (isGoMap(v)) return typeof mapZero(v) === 'string' ? 'map[string]string' : 'map[string]interface {}';
  return structName(v as object) ?? 'struct';
}

/** Go's truth: false, 0, "", nil and empty slices and maps are false; any struct is true. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isGoMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** A map's keys in Go's order for range and printing (sorted; numbers numerically). */
export function sortedKeys(m: object): string[] {
  const keys = Object.keys(m);
  const numeric = keys.length > 0 && keys.every((k) => /^-?\d+$/.test(k));
  return numeric ? keys.sort((a, b) => Number(a) - Number(b)) : keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Fields of a struct that are data (methods left out). */
export const structFields = (o: object): [string, unknown][] =>
  Object.entries(o).filter(([, v]) => typeof v !== 'function');
