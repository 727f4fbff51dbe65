// docker's --format for lists (cli/command/formatter/formatter.go): "table" or
// "" is the verb's default table; "json" is {{json .}}; a "table" prefix makes
// a tabwriter table whose header line is the same template run on the column
// names (with docker's header functions, errors in it ignored); `\t` and `\n`
// typed literally become tab and newline. Any parse or exec error is docker's
// "template parsing error: …" and nothing is printed.
import { BerthError } from '../errors.js';
import { execute, TemplateExecError } from './exec.js';
import { BASIC_FUNCS, FUNC_NAMES, HEADER_FUNCS } from './funcs.js';
import { TemplateSyntaxError } from './lex.js';
import { parse, type Template } from './parse.js';
import { tabwrite } from './tabwriter.js';
import { goMap } from './values.js';

/** Parses a template with docker's functions; a syntax error is docker's message (exit 1). */
export function compileTemplate(source: string): Template {
  try {
    return parse(source, FUNC_NAMES);
  } catch (e) {
    throw wrap(e);
  }
}

/** Runs a template on one value (inspect -f): the text, or docker's error. */
export function renderTemplate(tpl: Template, data: unknown): string {
  try {
    return execute(tpl, data, { funcs: BASIC_FUNCS });
  } catch (e) {
    throw wrap(e);
  }
}

function wrap(e: unknown): unknown {
  if (e instanceof TemplateSyntaxError || e instanceof TemplateExecError) {
    return new BerthError('TEMPLATE', `template parsing error: ${e.message}`);
  }
  return e;
}

/** docker's SubHeaderContext.Label: `.Label "com.example.my-tier"` heads its column "my tier". */
const headerLabel = (name: string): string => (name.split('.').pop() ?? '').replace(/[-_]/g, ' ');

export interface ListFormat {
  /** the verb's default, e.g. "table {{.ID}}\t{{.Image}}" */
  defaultTable: string;
  /** docker's column names: field → header ("ID" → "CONTAINER ID") */
  header: Record<string, string>;
}

export const isTableFormat = (format: string | undefined): boolean =>
  !format || format.startsWith('table');

/** The whole output of a list verb for `format` (without a trailing newline problem: each row ends in one). */
export function formatList(format: string | undefined, rows: object[], list: ListFormat): string {
  const f = !format || format === 'table' ? list.defaultTable : format;
  const table = f.startsWith('table');
  let source = table ? f.slice('table'.length) : f.trim() === 'json' ? '{{json .}}' : f;
  source = source.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const tpl = compileTemplate(source);
  const body = rows.map((r) => renderTemplate(tpl, r) + '\n').join('');
  if (!table) return body;
  let header: string;
  try {
    header = execute(tpl, goMap({ ...list.header, Label: headerLabel }, ''), { funcs: HEADER_FUNCS });
  } catch (e) {
    if (!(e instanceof TemplateExecError)) throw e;
    header = e.partial; // docker ignores the header's error and prints what it wrote
  }
  return tabwrite(`${header}\n${body}`);
}
