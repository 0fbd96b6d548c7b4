import type { DestinationStream } from 'pino';
import type { Config } from '../../config';

/**
 * pino-pretty as the log destination when wanted: LOG_PRETTY=true, or by default in development
 * on a terminal. pino-pretty is a development dependency; where it is not installed the logs stay
 * JSON (and say so once on stderr) rather than stopping the boot.
 */
export function prettyDestination(config: Pick<Config, 'env' | 'logPretty'>, isTTY = process.stdout.isTTY === true): DestinationStream | undefined {
  if (!(config.logPretty ?? (config.env === 'development' && isTTY))) return undefined;
  try {
    // Loaded only when asked for, so production never needs it.
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ colorize: isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true });
  } catch {
    process.stderr.write('LOG_PRETTY: pino-pretty is not installed (a development dependency); logging JSON\n');
    return undefined;
  }
}
