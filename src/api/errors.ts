// The API's one mapping from the engine's error codes to docker's HTTP statuses (as the
// CLI's exit-codes.ts is the CLI's): 404 missing, 409 conflict or wrong state, 400 bad
// parameter, 500 else. The body is docker's {"message": …} with the engine's words,
// which are docker's ("No such container: x"): clients show them as they are.
import { BerthError } from '../engine/index.js';

const STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  NOT_RUNNING: 409,
  INVALID_ARGUMENT: 400,
  TEMPLATE: 400,
  UNSUPPORTED: 400,
  // docker answers a command that cannot run with 400 and the runtime's words, which its CLI
  // reads to exit 127 ("executable file not found") or 126 ("permission denied")
  CMD_NOT_FOUND: 400,
  CMD_CANNOT_EXEC: 400,
};

/** An error a handler raises itself with docker's status (a missing route, a bad body). */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export function errorStatus(e: unknown): { status: number; message: string } {
  if (e instanceof ApiError) return { status: e.status, message: e.message };
  if (e instanceof BerthError) {
    let message = e.message;
    if (e.code === 'CMD_NOT_FOUND' && !/executable file not found|no such file/.test(message)) message += ': executable file not found in $PATH';
    if (e.code === 'CMD_CANNOT_EXEC' && !/permission denied/.test(message)) message += ': permission denied';
    return { status: STATUS[e.code] ?? 500, message };
  }
  return { status: 500, message: e instanceof Error ? e.message : String(e) };
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
