// Image references, normalised exactly as docker does (distribution/reference's
// ParseNormalizedNamed + TagNameOnly): "bb" → "docker.io/library/bb:latest".
// Records store the normalised form so that "bb", "library/bb" and
// "docker.io/library/bb:latest" all name the same tag; familiar() gives back the
// short form users type, for display.
import { invalid } from '../errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_MAX = 255;

// The grammar of distribution/reference (regexp.go).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const ANY_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const HEX64 = /^[a-f0-9]{64}$/;

/** A parsed, normalised reference: `domain/path[:tag][@digest]`. */
export interface Reference {
  readonly domain: string;
  /** Repository path inside the domain ("library/bb", "team/app"). */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** "docker.io/library/bb" — the repository, without tag or digest. */
export const repoName = (r: Reference): string => `${r.domain}/${r.path}`;

/** The full normalised string: "docker.io/library/bb:latest", "host:5000/a/b@sha256:…". */
export function formatReference(r: Reference): string {
  return repoName(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/**
 * Parses and normalises a reference. A bare name gets the default tag "latest"
 * (unless a digest is given, as in docker). Throws INVALID_ARGUMENT naming the
 * problem for anything docker would refuse.
 */
export function parseReference(input: string): Reference {
  const bad = (why: string) => invalid(`invalid reference "${input}": ${why}`);
  if (input === '') throw bad('empty reference');
  if (HEX64.test(input)) throw bad('a 64-character hexadecimal string is an image ID, not a repository name');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!ANY_DIGEST.test(digest)) throw bad(`malformed digest "${digest}"`);
    if (!SHA256_DIGEST.test(digest)) throw bad(`unsupported digest "${digest}" (only sha256:<64 lowercase hex> is supported)`);
  }

  // A tag is the part after the last ':' that follows the last '/': a ':' before
  // a '/' is a registry port ("localhost:5000/app").
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`malformed tag "${tag}" (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')`);
  }
  if (rest === '') throw bad('missing repository name');

  const { domain, path } = splitDomain(rest);
  if (!DOMAIN.test(domain)) throw bad(`malformed registry host "${domain}"`);
  if (path.toLowerCase() !== path) throw bad('repository name must be lowercase');
  for (const c of path.split('/')) {
    if (c === '') throw bad('empty path component in the repository name');
    if (!PATH_COMPONENT.test(c)) {
      throw bad(`malformed repository name component "${c}" (lowercase letters and digits, separated by '.', '_', '__' or '-')`);
    }
  }
  if (domain.length + 1 + path.length > NAME_MAX) throw bad(`repository name longer than ${NAME_MAX} characters`);

  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return { domain, path, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * docker's splitDockerDomain: the first component is a registry host only when it
 * looks like one (has '.' or ':', is "localhost", or has upper case letters —
 * which then fail the host grammar rather than the lowercase rule).
 */
function splitDomain(name: string): { domain: string; path: string } {
  const i = name.indexOf('/');
  let domain: string;
  let path: string;
  const first = i < 0 ? '' : name.slice(0, i);
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    path = name;
  } else {
    domain = first;
    path = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  return { domain, path };
}

/** Normalises a reference string: `bb` → `docker.io/library/bb:latest`. */
export const normalize = (input: string): string => formatReference(parseReference(input));

/**
 * Parses a reference that will name a tag (import, tag): digests are refused, as
 * docker refuses "refusing to create a tag with a digest reference".
 */
export function parseTagReference(input: string): Reference & { tag: string } {
  const r = parseReference(input);
  if (r.digest !== undefined || r.tag === undefined) {
    throw invalid(`invalid reference "${input}": a tag cannot be created from a digest reference`);
  }
  return r as Reference & { tag: string };
}

/** The short form for display: docker.io/library/bb:latest → bb:latest; docker.io/team/app → team/app. */
export function familiar(ref: string | Reference): string {
  const r = typeof ref === 'string' ? parseReference(ref) : ref;
  return familiarName(r) + (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/** The repository part of familiar(): "bb", "team/app", "localhost:5000/app". */
export function familiarName(r: Reference): string {
  if (r.domain !== DEFAULT_DOMAIN) return repoName(r);
  const rest = r.path.slice(OFFICIAL_PREFIX.length);
  return r.path.startsWith(OFFICIAL_PREFIX) && !rest.includes('/') ? rest : r.path;
}
