// run/create's health check flags: --health-cmd, --health-interval,
// --health-timeout, --health-start-period, --health-start-interval,
// --health-retries, --no-healthcheck. Their syntax and docker's messages are the
// engine's (container/health-config.ts); this file declares them and hands them over.
import type { Argv } from 'yargs';
import type { CreateOptions } from '../engine/container/index.js';
import { parseHealthFlags } from '../engine/container/index.js';

export interface HealthArgs {
  'health-cmd'?: string;
  'health-interval'?: string;
  'health-timeout'?: string;
  'health-start-period'?: string;
  'health-start-interval'?: string;
  'health-retries'?: string;
  'no-healthcheck'?: boolean;
}

/** Flags that take a value, for splitting off the container's command. */
export const healthValueFlags = ['health-cmd', 'health-interval', 'health-timeout', 'health-start-period', 'health-start-interval', 'health-retries'];

export function healthOptions<T>(y: Argv<T>): Argv<T & HealthArgs> {
  const value = { type: 'string', requiresArg: true } as const;
  return y
    .option('health-cmd', { ...value, describe: 'command to run to check health' })
    .option('health-interval', { ...value, describe: 'time between running the check (ms|s|m|h) (default 0s)' })
    .option('health-timeout', { ...value, describe: 'maximum time to allow one check to run (ms|s|m|h) (default 0s)' })
    .option('health-start-period', { ...value, describe: 'start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' })
    .option('health-start-interval', { ...value, describe: 'time between running the check during the start period (ms|s|m|h) (default 0s)' })
    .option('health-retries', { ...value, describe: 'consecutive failures needed to report unhealthy' })
    .option('no-healthcheck', { type: 'boolean', describe: 'disable any container-specified HEALTHCHECK' }) as unknown as Argv<T & HealthArgs>;
}

export function toHealthOptions(a: HealthArgs): Partial<CreateOptions> {
  const healthcheck = parseHealthFlags({
    cmd: a['health-cmd'], interval: a['health-interval'], timeout: a['health-timeout'], startPeriod: a['health-start-period'],
    startInterval: a['health-start-interval'], retries: a['health-retries'], none: a['no-healthcheck'],
  });
  return healthcheck ? { healthcheck } : {};
}
