// The Dockerfile's first floor, as BuildKit's parser reads it: parser
// directives at the top (`# syntax=`, `# escape=`, `# check=`), comments,
// line continuations with the escape character, heredocs (`<<EOF`, `<<-EOF`,
// quoted names are not expanded) for RUN, COPY and ADD, and leading `--flag`
// words. The result is one node per instruction with its first line number;
// what each instruction means is instructions.ts's job. Errors carry docker's
// words with the line: "dockerfile parse error on line 3: unknown instruction: FOO".
import { invalid, type BerthError } from '../errors.js';

export interface Heredoc {
  name: string;
  content: string;
  /** Quoted name (`<<"EOF"`): the content is taken as it is, no expansion. */
  expand: boolean;
  chomp: boolean;
}

export interface Node {
  /** Upper case: RUN, COPY, ... */
  keyword: string;
  /** The instruction's text after the keyword and the flags, continuations joined. */
  rest: string;
  /** Leading `--name[=value]` words, as written (without the dashes). */
  flags: string[];
  heredocs: Heredoc[];
  /** The whole instruction as written on its joined line ("RUN echo hi"). */
  original: string;
  line: number;
  endLine: number;
}

export interface Parsed {
  nodes: Node[];
  escape: string;
  directives: Record<string, string>;
}

export const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);

export function parseError(line: number, message: string): BerthError {
  return invalid(`dockerfile parse error on line ${line}: ${message}`);
}

/** `firstLine`: the line number of the text's first line (an ONBUILD trigger's is its instruction's). */
export function parseDockerfile(text: string, firstLine = 1): Parsed {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(lines[i]);
    if (!m || !DIRECTIVES.has(m[1].toLowerCase())) break;
    const key = m[1].toLowerCase();
    if (key in directives) throw parseError(i + 1, `only one ${key} parser directive can be used`);
    directives[key] = m[2];
  }
  const escape = directives.escape ?? '\\';
  if (escape !== '\\' && escape !== '`') throw parseError(1, `invalid escape token '${escape}' does not match \` or \\`);
  const continued = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);

  const nodes: Node[] = [];
  while (i < lines.length) {
    const start = i;
    const first = lines[i++];
    if (isBlankOrComment(first)) continue;
    let joined = '';
    let line = first;
    // a continuation skips blank and comment lines inside it, as docker's parser does
    while (continued.test(line)) {
      joined += line.replace(continued, '');
      let next: string | undefined;
      while (i < lines.length) {
        const l = lines[i++];
        if (!isBlankOrComment(l)) { next = l; break; }
      }
      line = next ?? '';
    }
    joined += line;
    const text = joined.trim();
    if (text === '') continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
    const keyword = m[1].toUpperCase();
    if (!KEYWORDS.has(keyword)) throw parseError(start + firstLine, `unknown instruction: ${m[1]}`);
    const { flags, rest } = splitFlags(m[2]);
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const h of heredocNames(rest)) {
        const body: string[] = [];
        for (;;) {
          if (i >= lines.length) throw parseError(start + firstLine, `unterminated heredoc ${h.name}`);
          let l = lines[i++];
          if (h.chomp) l = l.replace(/^\t+/, '');
          if (l === h.name) break;
          body.push(l);
        }
        heredocs.push({ ...h, content: body.length ? `${body.join('\n')}\n` : '' });
      }
    }
    nodes.push({ keyword, rest, flags, heredocs, original: `${m[1]} ${m[2]}`.trim(), line: start + firstLine, endLine: i + firstLine - 1 });
  }
  return { nodes, escape, directives };
}

function isBlankOrComment(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

/** BuildKit's extractBuilderFlags: `--name` / `--name=value` words before the arguments. */
export function splitFlags(s: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let rest = s;
  for (;;) {
    const m = /^--([^\s=]*(?:=(?:"[^"]*"|'[^']*'|\S)*)?)(?:\s+|$)/.exec(rest);
    if (!m || rest.startsWith('-- ') || rest === '--') break;
    flags.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return { flags, rest: rest.trim() };
}

/** The heredocs an instruction opens, in order: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`. */
function heredocNames(rest: string): Array<Omit<Heredoc, 'content'>> {
  const out: Array<Omit<Heredoc, 'content'>> = [];
  const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
  for (let m; (m = re.exec(rest));) out.push({ name: m[3], chomp: m[1] === '-', expand: m[2] === '' });
  return out;
}
