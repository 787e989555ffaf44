import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import type { IngestWriter } from '../ingest/writer.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { SessionRegistry } from './sessions.ts';
import type { AlertPublisher } from '../rules/integrity/save.ts';

/** Shared services of one gateway, passed to every connection and handler. */
export interface GatewayContext {
  store: Store;
  config: Config;
  logger: Logger;
  metrics: GatewayMetrics;
  sessions: SessionRegistry;
  writer: IngestWriter;
  /** Non-JT/T 808 bytes dropped, per remote address. */
  discards: Map<string, number>;
  /** Pushes alerts that handlers raise (a terminal swap at registration) to the live sockets. */
  alertHub?: AlertPublisher | undefined;
  /** Receiver of committed positions and session changes, which the live map shows. */
  vehicleActivity?: VehicleActivity | undefined;
}

/** Receives what the gateway learns about vehicles, e.g. to push it to the live map. */
export interface VehicleActivity {
  /**
   * Records that a vehicle changed: positions of it were committed, its terminal came online
   * or went offline, or a committed report opened an emergency alarm (`alarmOpened`).
   */
  vehicleChanged(vehicleId: number, alarmOpened?: boolean): void;
}
