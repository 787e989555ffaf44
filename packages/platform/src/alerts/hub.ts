import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import type { Logger } from '../logger.ts';
import { hasCapability, inScope } from '../api/access.ts';
import { LiveSockets } from '../api/live-sockets.ts';
import { findAlert } from './view.ts';

/** Topics of alert messages on the live socket. */
export type AlertTopic = 'alert.created' | 'alert.updated';

/**
 * Pushes alerts to the live sockets (GET /api/ws) of the users who may read them: roles with
 * alerts.read whose unit scope contains the alert's unit. The rules engine and the integrity
 * checks call publish for every newly created alert, and the review routes call it with
 * alert.updated after each transition.
 *
 * NOTE: an alert of a leadership vehicle is pushed at once with its facts (place names), also to
 * users who see that vehicle's positions only with a delay. Only the evidence positions and
 * frames of GET /api/alerts/:id follow the delay.
 */
export class AlertHub {
  readonly sockets: LiveSockets;
  readonly #db: Kysely<Database>;
  readonly #logger: Logger;

  constructor(db: Kysely<Database>, logger: Logger, auth: AuthSettings) {
    this.#db = db;
    this.#logger = logger.child({ component: 'alert-hub' });
    this.sockets = new LiveSockets(db, auth, logger);
  }

  /** Sends the stored alert to every socket that may see it. A failed push is logged, not thrown, because the alert is already stored. */
  async publish(alertId: number, topic: AlertTopic = 'alert.created'): Promise<void> {
    try {
      if (this.sockets.size === 0) return;
      const alert = await findAlert(this.#db, alertId);
      if (!alert) {
        this.#logger.warn({ alertId }, 'alert to publish not found');
        return;
      }
      const sent = await this.sockets.broadcast((user, scope) => hasCapability(user, 'alerts.read') && inScope(scope, alert.unitId), { type: topic, alert });
      this.#logger.debug({ alertId, topic, sent }, 'alert published');
    } catch (error) {
      this.#logger.error({ err: error, alertId, topic }, 'alert push failed');
    }
  }

  close(): void {
    this.sockets.closeAll();
  }
}
