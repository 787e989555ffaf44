import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { AppError } from './errors.ts';
import { attachKeyring, resolveMasterKey } from './crypto/setup.ts';
import { openStore, type Store } from './store/db.ts';
import { buildApi } from './api/app.ts';
import { ensureFirstAdmin } from './security/first-admin.ts';
import { startRetentionJob } from './retention/schedule.ts';
import { checkRetentionSettings } from './retention/purge.ts';
import { startGateway, type Gateway } from './gateway/server.ts';
import { seedDemoFleet } from './demo/seed.ts';
import { playDemoEpisodes } from './demo/play-episodes.ts';
import { startDemoSimulation, type Simulation } from './simulator/demo.ts';
import { AlertHub } from './alerts/hub.ts';
import { LivePositions } from './api/live-positions.ts';
import { startIntegritySweep } from './rules/integrity/sweep.ts';
import { startRuleEngine, type RuleEngine, type RuleEngineOptions } from './rules/engine/service.ts';

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
  rules: RuleEngine;
  close(): Promise<void>;
}

async function waitForOnline(gateway: Gateway, terminals: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (gateway.onlineCount() < terminals && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Starts every part of the platform in order and returns once all listen; on failure, stops what had started. */
export async function startPlatform(config: Config, logger: Logger, options: { demo?: DemoOptions | undefined; rules?: RuleEngineOptions } = {}): Promise<Platform> {
  const file = path.join(config.dataDir, 'gongche.db');
  checkRetentionSettings(config.retention);
  const store = await openStore({ file, synchronous: config.sqliteSync });
  logger.info({ file, synchronous: config.sqliteSync }, 'store opened');
  // Stopped in reverse order by close(), or when a later step fails.
  const running: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    for (const stop of running.reverse()) await stop();
  };

  try {
    const master = resolveMasterKey(config.encryption, config.dataDir, logger, { create: true });
    const keyring = attachKeyring(store, master, config.encryption);
    logger.info({ dataKeys: keyring.list().length, algorithm: config.encryption.algorithm }, 'data keys loaded');
    if (options.demo) await seedDemoFleet(store.db, logger);
    // Pushes new alerts to the live socket of the HTTP API; whatever finds alerts publishes through it.
    const alertHub = new AlertHub(store.db, logger, config.auth);
    // Pushes the positions and online state that the gateway commits to the same sockets.
    const livePositions = new LivePositions({ store, sockets: alertHub.sockets, logger });
    running.push(() => livePositions.close());

    const gateway = await startGateway({ store, config, logger, alertHub, vehicleActivity: livePositions }).catch((error: unknown) => {
      throw listenFailure(error, 'JT/T 808', config.jt808Host, config.jt808Port, '--jt808-port or GONGCHE_JT808_PORT');
    });
    running.push(() => gateway.close());
    livePositions.attach(gateway);
    const retention = startRetentionJob(store, config.retention, logger);
    running.push(() => retention.stop());
    const integrity = startIntegritySweep({ db: store.db, logger, alertHub, isOnline: (id) => gateway.isOnline(id) });
    running.push(() => integrity.stop());
    const rules = startRuleEngine({ store, config, logger }, options.rules);
    running.push(() => rules.stop());
    rules.on('alerts', (alerts) => {
      for (const alert of alerts) if (alert.created) void alertHub.publish(alert.id);
    });

    const api = await buildApi({ store, logger, gateway, config, alertHub });
    api.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(gateway.metrics.registry.contentType);
      return gateway.metrics.registry.metrics();
    });
    running.push(() => api.close());
    await api.listen({ host: config.httpHost, port: config.httpPort }).catch((error: unknown) => {
      throw listenFailure(error, 'HTTP', config.httpHost, config.httpPort, '--http-port or GONGCHE_HTTP_PORT');
    });
    const httpPort = (api.server.address() as AddressInfo).port;
    logger.info({ host: config.httpHost, port: httpPort }, 'HTTP API listening');

    if (options.demo) {
      const simulation: Simulation = await startDemoSimulation({ db: store.db, store, host: '127.0.0.1', port: gateway.port, logger, ...options.demo });
      running.push(() => simulation.stop());
      await waitForOnline(gateway, simulation.terminals, 3000);
      // Not awaited: the uploads run while the platform serves, and close() waits for them.
      const episodes = playDemoEpisodes({ db: store.db, host: '127.0.0.1', port: gateway.port, logger, skipTerminals: simulation.terminals });
      running.push(async () => {
        await episodes;
      });
      // Each upload logs a few lines and takes about a second. Waiting for them keeps the one-time
      // password below the last thing on a newcomer's screen.
      await Promise.race([episodes.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    // Last, so that the one-time password is not buried under the start-up log lines.
    await ensureFirstAdmin(store.db, logger);

    return {
      store,
      gateway,
      httpPort,
      jt808Port: gateway.port,
      rules,
      async close() {
        await stopAll();
        logger.info('platform stopped');
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function listenFailure(error: unknown, what: string, host: string, port: number, setting: string): unknown {
  const code = (error as { code?: string }).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const reason = code === 'EADDRINUSE' ? 'is already in use' : 'may not be opened by this user';
  return new AppError(`GONGCHE_ERR_${code}`, 500, `The ${what} port ${host}:${port} ${reason}; choose another with ${setting}`, { value: port, cause: error });
}
