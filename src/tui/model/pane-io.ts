// What a terminal pane's program is reached through (model/shells.ts keeps the
// panes): a monitor's attach socket for a container's shell or main process,
// a pty for a custom command on the host (model/host-command.ts).
export interface PaneIO {
  write(data: string): void;
  resize(rows: number, cols: number): void;
  /** Leaves the program: a shell or an attachment is left running (detach), a host command is ended. */
  close(): void;
  /** Closes its stdin (a non-tty attachment: ctrl-d on an empty line, as a terminal's EOF). */
  closeStdin?(): void;
  onOutput(fn: (data: string | Buffer) => void): void;
  /** Resolves when the program ends (or the connection closes), with its exit code when known. */
  readonly closed: Promise<number | undefined>;
}

/** What a pane's program is told it runs in: the emulator understands what xterm-256color
 * promises, and the pane draws 256 colours. */
export const SHELL_TERM = 'xterm-256color';
