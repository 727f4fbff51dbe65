// .dockerignore with docker's rules (github.com/moby/patternmatcher): one
// pattern a line, `#` comments, blank lines skipped, each pattern cleaned as a
// path (a leading `/` and `./` dropped), `*` and `?` within one path element,
// `**` across any number of them, `[...]` classes, `\` escapes, and `!` for an
// exception. The last pattern that matches a path decides; a pattern that
// matches a parent directory matches everything under it.
import { posix } from 'node:path';

interface Pattern { re: RegExp; exclusion: boolean; text: string }

export class IgnoreMatcher {
  private readonly patterns: Pattern[];

  constructor(lines: string[]) {
    this.patterns = [];
    for (const raw of lines) {
      let p = raw.trim();
      if (p === '' || p.startsWith('#')) continue;
      let exclusion = false;
      if (p.startsWith('!')) {
        exclusion = true;
        p = p.slice(1).trim();
        if (p === '') continue;
      }
      p = posix.normalize(p).replace(/(.)\/+$/, '$1');
      if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
      if (p === '.' || p === '/') p = '.';
      this.patterns.push({ re: compile(p), exclusion, text: p });
    }
  }

  static parse(text: string): IgnoreMatcher {
    return new IgnoreMatcher(text.split(/\r?\n/));
  }

  get empty(): boolean { return this.patterns.length === 0; }

  /** Whether any exception pattern exists (a directory that is ignored may still hold exceptions). */
  get hasExceptions(): boolean { return this.patterns.some((p) => p.exclusion); }

  /** True when the path (relative to the context, `/`-separated) is ignored. */
  ignores(rel: string): boolean {
    const file = posix.normalize(rel).replace(/^\/+/, '');
    if (file === '.' || file === '') return false;
    const parents = file.split('/').slice(0, -1);
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue; // only a pattern that could change the answer is tried
      let match = p.re.test(file);
      for (let i = 1; !match && i <= parents.length; i++) match = p.re.test(parents.slice(0, i).join('/'));
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /** Whether an exception pattern could apply to something under `dir` (so an ignored directory is still walked). */
  mayExcept(dir: string): boolean {
    const d = `${dir}/`;
    return this.patterns.some((p) => p.exclusion && (p.text.startsWith(d) || p.text.includes('*') || p.text.includes('?') || p.text.includes('[')));
  }
}

/** patternmatcher's regexp translation. */
function compile(pattern: string): RegExp {
  let re = '^';
  const s = pattern;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '*') {
      if (s[i + 1] === '*') {
        i++;
        // `**/` also matches nothing at all; a trailing `**` everything
        if (s[i + 1] === '/') { i++; re += '(?:.*/)?'; }
        else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '\\') {
      i++;
      re += i < s.length ? escapeRe(s[i]) : '\\\\';
    } else if (c === '[') {
      const end = s.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      let body = s.slice(i + 1, end);
      if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`${re}$`);
}

function escapeRe(c: string): string {
  return /[.+^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
