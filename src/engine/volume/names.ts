// Volume names: docker's rule for named volumes, 64 hex digits for anonymous ones.
import { randomBytes } from 'node:crypto';
import { invalid } from '../errors.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkVolumeName(name: string): string {
  if (!NAME_RE.test(name)) {
    throw invalid(`invalid volume name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, at least 2 characters`);
  }
  return name;
}

export const isVolumeName = (name: string): boolean => NAME_RE.test(name);

/** An anonymous volume's name: random, like a container ID. */
export const anonymousName = (): string => randomBytes(32).toString('hex');
