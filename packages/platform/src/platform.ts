import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openStore, type Store } from './store/db.ts';
import { buildApi } from './api/app.ts';
import { ensureFirstAdmin } from './security/first-admin.ts';
import { startGateway, type Gateway } from './gateway/server.ts';
import { seedDemoFleet } from './demo/seed.ts';
import { startDemoSimulation, type Simulation } from './simulator/demo.ts';

export interface DemoOptions {
  vehicles: number;
  intervalS: number;
}

/** A running platform process: store, gateway and HTTP API. */
export interface Platform {
  store: Store;
  gateway: Gateway;
  httpPort: number;
  jt808Port: number;
  close(): Promise<void>;
}

/** Starts every part of the platform in order and returns once all listen. */
export async function startPlatform(config: Config, logger: Logger, options: { demo?: DemoOptions | undefined } = {}): Promise<Platform> {
  const file = path.join(config.dataDir, 'gongche.db');
  const store = await openStore({ file, synchronous: config.sqliteSync });
  logger.info({ file, synchronous: config.sqliteSync }, 'store opened');

  if (options.demo) await seedDemoFleet(store.db, logger);
  await ensureFirstAdmin(store.db, logger);

  const gateway = await startGateway({ store, config, logger });
  const api = await buildApi({ store, logger, gateway, config });
  api.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(gateway.metrics.registry.contentType);
    return gateway.metrics.registry.metrics();
  });
  await api.listen({ host: config.httpHost, port: config.httpPort });
  const httpPort = (api.server.address() as AddressInfo).port;
  logger.info({ host: config.httpHost, port: httpPort }, 'HTTP API listening');

  let simulation: Simulation | undefined;
  if (options.demo) {
    simulation = await startDemoSimulation({ db: store.db, host: '127.0.0.1', port: gateway.port, logger, ...options.demo });
  }

  return {
    store,
    gateway,
    httpPort,
    jt808Port: gateway.port,
    async close() {
      await simulation?.stop();
      await api.close();
      await gateway.close();
      await store.close();
      logger.info('platform stopped');
    },
  };
}
