// The one error type of the engine. The CLI maps `code` to an exit status and
// prints `message` as one line; the TUI shows it in its status line.

export type ErrorCode =
  | 'NOT_FOUND'        // no such container / image / volume
  | 'CONFLICT'         // name in use, container running, image in use
  | 'INVALID_ARGUMENT' // bad flag value, malformed reference, bad path
  | 'NOT_RUNNING'      // the operation needs a running container
  | 'CMD_NOT_FOUND'    // the container's command does not exist (exit 127)
  | 'CMD_CANNOT_EXEC'  // the container's command cannot be executed (exit 126)
  | 'UNSUPPORTED'      // the host cannot do it (missing controller, kernel feature)
  | 'CORRUPT'          // state on disk or content does not verify
  | 'NO_SPACE'         // writing it would leave less free disk than berth keeps (store/space.ts)
  | 'NATIVE'           // a syscall failed in the native layer: step + errno
  | 'TEMPLATE'         // a --format / -f template does not parse or fails on the data (docker: exit 1)
  | 'INTERNAL';

export class BerthError extends Error {
  readonly code: ErrorCode;
  /** For NATIVE: the failing step ("mount /proc") and errno name ("EPERM"). */
  readonly step?: string;
  readonly errno?: string;

  constructor(code: ErrorCode, message: string, opts: { step?: string; errno?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BerthError';
    this.code = code;
    this.step = opts.step;
    this.errno = opts.errno;
  }
}

/** docker's wording, which scripts grep: "No such container: x", "No such image: bb:latest", "get v: no such volume",
 * "network n not found". */
export const notFound = (what: 'container' | 'image' | 'object' | 'volume' | 'network', name: string): BerthError =>
  new BerthError('NOT_FOUND', what === 'volume' ? `get ${name}: no such volume` : what === 'network' ? `network ${name} not found` : `No such ${what}: ${name}`);

export const invalid = (message: string): BerthError => new BerthError('INVALID_ARGUMENT', message);

export const conflict = (message: string): BerthError => new BerthError('CONFLICT', message);
