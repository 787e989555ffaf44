import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startPlatform } from '../platform.ts';
import { defineCommand } from './commands.ts';

const usage = `Usage: gongche serve [options]

Starts the JT/T 808 gateway and the HTTP API on the embedded SQLite store.

Options:
  --data-dir DIR        folder of the database file (default: ./data, or GONGCHE_DATA_DIR)
  --http-port PORT      HTTP API port (default: 8080, or GONGCHE_HTTP_PORT)
  --http-host HOST      HTTP listen address (default: 127.0.0.1)
  --jt808-port PORT     JT/T 808 TCP port (default: 6808, or GONGCHE_JT808_PORT)
  --jt808-host HOST     JT/T 808 listen address (default: 0.0.0.0)
  --sqlite-sync MODE    FULL (survives power loss, default) or NORMAL (survives a killed process)
  --demo                load the Kashgar demo fleet and drive it with simulated terminals
  --demo-vehicles N     number of demo vehicles to simulate (default: 24)
  --demo-interval S     seconds between simulated reports (default: 5)`;

defineCommand({
  path: ['serve'],
  summary: 'run the gateway and API',
  usage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        'data-dir': { type: 'string' },
        'http-port': { type: 'string' },
        'http-host': { type: 'string' },
        'jt808-port': { type: 'string' },
        'jt808-host': { type: 'string' },
        'sqlite-sync': { type: 'string' },
        demo: { type: 'boolean', default: false },
        'demo-vehicles': { type: 'string' },
        'demo-interval': { type: 'string' },
      },
      strict: true,
    });
    const base = defaultConfig();
    const config = {
      ...base,
      dataDir: values['data-dir'] ? path.resolve(values['data-dir']) : base.dataDir,
      httpPort: parsePort(values['http-port'], base.httpPort, '--http-port'),
      httpHost: values['http-host'] ?? base.httpHost,
      jt808Port: parsePort(values['jt808-port'], base.jt808Port, '--jt808-port'),
      jt808Host: values['jt808-host'] ?? base.jt808Host,
      sqliteSync: parseSync(values['sqlite-sync'], base.sqliteSync),
    };
    const logger = createLogger();
    const platform = await startPlatform(config, logger, {
      demo: values.demo
        ? {
            vehicles: parsePositive(values['demo-vehicles'], 24, '--demo-vehicles'),
            intervalS: parsePositive(values['demo-interval'], 5, '--demo-interval'),
          }
        : undefined,
    });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'stopping');
        platform.close().then(resolve, (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
});

function parsePort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be a port number from 0 to 65535, got "${value}"`);
  return port;
}

function parsePositive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

function parseSync(value: string | undefined, fallback: 'FULL' | 'NORMAL'): 'FULL' | 'NORMAL' {
  if (value === undefined) return fallback;
  const upper = value.toUpperCase();
  if (upper !== 'FULL' && upper !== 'NORMAL') throw new Error(`--sqlite-sync must be FULL or NORMAL, got "${value}"`);
  return upper;
}
