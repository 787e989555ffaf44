import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { AlertDraft } from '../engine/types.ts';
import type { Logger } from '../../logger.ts';
import { saveAlert } from '../../alerts/sink.ts';

/** The part of the alert hub that the integrity checks use. */
export interface AlertPublisher {
  publish(alertId: number): Promise<void>;
}

export interface SaveCounts {
  created: number;
  merged: number;
}

/** Stores each draft (a new alert or a merge into the alert with its key) and publishes the new ones. */
export async function saveIntegrityAlerts(
  deps: { db: Kysely<Database>; logger: Logger; alertHub?: AlertPublisher | undefined },
  drafts: readonly AlertDraft[],
  now: number,
): Promise<SaveCounts> {
  const counts: SaveCounts = { created: 0, merged: 0 };
  for (const draft of drafts) {
    const saved = await saveAlert(deps.db, draft, now);
    if (!saved.created) {
      counts.merged++;
      continue;
    }
    counts.created++;
    deps.logger.info({ alertId: saved.id, rule: draft.rule, vehicleId: draft.vehicleId, key: draft.key }, 'integrity alert created');
    await deps.alertHub?.publish(saved.id);
  }
  return counts;
}
