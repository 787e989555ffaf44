import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Creates the process logger; GONGCHE_LOG_LEVEL overrides the level (default info, silent under the test runner). */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const level = process.env.GONGCHE_LOG_LEVEL ?? (process.env.NODE_TEST_CONTEXT ? 'silent' : 'info');
  const settings: LoggerOptions = {
    level,
    base: { service: 'gongche' },
    redact: { paths: ['password', '*.password', 'authCode', '*.authCode', 'token', '*.token'], censor: '[redacted]' },
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}
