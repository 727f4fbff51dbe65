// Container identities: 64-hex IDs, docker-style generated names, name rules.
import { randomBytes } from 'node:crypto';
import { conflict, invalid, type BerthError } from '../errors.js';

export const newId = (): string => randomBytes(32).toString('hex');

/** Docker's characters for names, [a-zA-Z0-9][a-zA-Z0-9_.-]* (a leading "/" is accepted and dropped).
 * Unlike docker, one character is enough: `run -it --name s` is what people type. */
export function checkName(name: string): string {
  const n = name.startsWith('/') ? name.slice(1) : name;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(n)) {
    throw invalid(`invalid container name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return n;
}

/** docker's words for a taken name (create, run, rename). */
export const nameInUse = (name: string, holder: string): BerthError =>
  conflict(`Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);

const ADJECTIVES = ['admiring', 'bold', 'brave', 'calm', 'clever', 'cool', 'dazzling', 'eager', 'elegant', 'epic',
  'festive', 'focused', 'gallant', 'happy', 'hopeful', 'jolly', 'keen', 'kind', 'lucid', 'modest', 'nifty', 'optimistic',
  'quirky', 'relaxed', 'serene', 'sharp', 'stoic', 'sweet', 'tender', 'vibrant', 'wizardly', 'zealous'];
const NAMES = ['babbage', 'bell', 'curie', 'darwin', 'dijkstra', 'einstein', 'euclid', 'fermat', 'feynman', 'galois',
  'hopper', 'hypatia', 'kepler', 'knuth', 'lamport', 'liskov', 'lovelace', 'mccarthy', 'noether', 'pascal', 'ritchie',
  'shannon', 'thompson', 'torvalds', 'turing', 'wozniak'];

export function randomName(taken: (name: string) => boolean): string {
  for (let i = 0; ; i++) {
    const a = ADJECTIVES[randomBytes(1)[0] % ADJECTIVES.length];
    const b = NAMES[randomBytes(1)[0] % NAMES.length];
    const n = i < 10 ? `${a}_${b}` : `${a}_${b}${i}`;
    if (!taken(n)) return n;
  }
}
