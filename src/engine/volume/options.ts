// Local-driver options (`volume create --opt`). docker's local driver can mount
// a device or a tmpfs as the volume; berth keeps every volume a plain
// directory, so any option is refused clearly rather than silently ignored.
import { BerthError } from '../errors.js';

export function checkDriverOptions(opts: Record<string, string>): Record<string, string> {
  const keys = Object.keys(opts);
  if (keys.length) {
    throw new BerthError('UNSUPPORTED',
      `volume driver options are not supported yet (got ${keys.map((k) => `${k}=${opts[k]}`).join(', ')}): berth volumes are plain directories; use --tmpfs or --mount type=tmpfs for a tmpfs`);
  }
  return {};
}
