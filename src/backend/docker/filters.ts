// --filter KEY=VALUE flags as the API's `filters` query ({"KEY": ["VALUE", ...]}).
// The syntax is checked here with the engine's parser (docker's message for a flag
// without "="); which keys a list knows is the daemon's to say, in its words.
import { parseFilters } from '../../engine/index.js';

export function apiFilters(flags: string[] | undefined): Record<string, string[]> | undefined {
  if (!flags?.length) return undefined;
  const keys = flags.map((f) => f.slice(0, Math.max(0, f.indexOf('='))).trim().toLowerCase());
  return Object.fromEntries(parseFilters(flags, keys));
}
