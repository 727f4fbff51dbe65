// The full-screen workstation (its own issue). Until then `berth` with no
// command says so plainly instead of pretending.
export async function runTui(opts: { root?: string }): Promise<void> {
  process.stderr.write('berth: the full-screen UI is not built yet; use `berth --help` for the commands\n');
  process.exitCode = 125;
}
