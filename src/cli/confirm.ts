// docker's "Are you sure? [y/N]" prompts (prune): one line from stdin; only
// "y" or "yes" confirms, and end of input (no terminal, no answer) declines.
import { createInterface } from 'node:readline';

export async function confirm(question: string): Promise<boolean> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin });
  try {
    const line = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^y(es)?$/i.test(line.trim());
  } finally {
    rl.close();
  }
}
