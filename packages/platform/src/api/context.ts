import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../store/db.ts';
import type { Logger } from '../logger.ts';
import type { GatewayControl } from '../gateway/control.ts';
import type { Config } from '../config.ts';
import type { AlertHub } from '../alerts/hub.ts';

export interface ApiOptions {
  store: Store;
  logger: Logger;
  gateway: GatewayControl;
  config: Config;
  /** Pushes alerts to the live socket /api/ws; buildApi creates one when none is given. */
  alertHub?: AlertHub;
}

/** The Fastify instance with zod schemas for validation, serialisation and types. */
export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
