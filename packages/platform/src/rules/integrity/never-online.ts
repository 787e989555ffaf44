import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../store/schema.ts';
import type { AlertDraft } from '../engine/types.ts';
import { integrityDraft, seconds } from './drafts.ts';
import { numberSetting, parseSettingsWith } from './settings.ts';
import type { SweepCheck } from './sweep-check.ts';

const code = 'device_never_online';

const schema = z
  .object({
    /** Seconds after installation within which the terminal must authenticate once; the installer's debugging normally takes minutes. */
    graceS: numberSetting(86_400, 3_600, 90 * 86_400, true),
  })
  .strict();

export type NeverOnlineSettings = z.infer<typeof schema>;

export const neverOnlineCheck: SweepCheck<NeverOnlineSettings> = {
  code,
  defaults: schema.parse({}),
  parseSettings: (input) => parseSettingsWith(code, schema, input),
};

/** A terminal bound to a vehicle that has not authenticated since its installation. */
export interface NeverOnlineCandidate {
  terminalId: number;
  phone: string;
  vehicleId: number;
  unitId: number;
  plate: string;
  usageNature: string | null;
  /** When the terminal was bound to the vehicle: the work order's binding, or the registry record's creation. */
  installedAt: number;
  source: 'work_order' | 'registry';
  workOrderId: number | null;
  registered: boolean;
}

/**
 * Lists bound terminals that have not come online since installation. With an installation work
 * order, installation is the order's latest binding of this terminal to this vehicle, and coming
 * online is an authentication after it. A terminal bound in the registry without a work order is
 * listed while it has neither registered nor authenticated.
 */
export async function findNeverOnline(db: Kysely<Database>): Promise<NeverOnlineCandidate[]> {
  const terminals = await db
    .selectFrom('terminals as t')
    .innerJoin('vehicles as v', 'v.id', 't.vehicle_id')
    .select(['t.id', 't.phone', 't.vehicle_id', 't.registered_at', 't.authenticated_at', 't.created_at', 'v.unit_id', 'v.plate', 'v.usage_nature'])
    .where('v.status', '!=', 'disposed')
    .execute();
  const orders = await db
    .selectFrom('rollout_work_orders')
    .select(['id', 'terminal_id', 'vehicle_id', 'bound_at'])
    .where('state', '!=', 'cancelled')
    .where('terminal_id', 'is not', null)
    .where('bound_at', 'is not', null)
    .execute();
  const latestOrder = new Map<string, (typeof orders)[number]>();
  for (const order of orders) {
    const key = `${order.terminal_id}:${order.vehicle_id}`;
    const known = latestOrder.get(key);
    if (!known || order.bound_at! > known.bound_at!) latestOrder.set(key, order);
  }

  const candidates: NeverOnlineCandidate[] = [];
  for (const t of terminals) {
    const order = latestOrder.get(`${t.id}:${t.vehicle_id}`);
    const common = { terminalId: t.id, phone: t.phone, vehicleId: t.vehicle_id!, unitId: t.unit_id, plate: t.plate, usageNature: t.usage_nature, registered: t.registered_at !== null };
    if (order) {
      const online = t.authenticated_at !== null && t.authenticated_at >= order.bound_at!;
      if (!online) candidates.push({ ...common, installedAt: order.bound_at!, source: 'work_order', workOrderId: order.id });
    } else if (t.registered_at === null && t.authenticated_at === null) {
      candidates.push({ ...common, installedAt: t.created_at, source: 'registry', workOrderId: null });
    }
  }
  return candidates;
}

/** Returns the alert draft for a candidate whose grace time has passed, or null while it may still come online. */
export function judgeNeverOnline(candidate: NeverOnlineCandidate, now: number, settings: NeverOnlineSettings): AlertDraft | null {
  if (now - candidate.installedAt < settings.graceS * 1000) return null;
  return integrityDraft({
    code,
    vehicleId: candidate.vehicleId,
    unitId: candidate.unitId,
    subject: `${candidate.terminalId}:${candidate.installedAt}`,
    start: candidate.installedAt,
    end: now,
    severity: 'medium',
    facts: {
      phone: candidate.phone,
      installedAt: new Date(candidate.installedAt).toISOString(),
      installSource: candidate.source,
      workOrderId: candidate.workOrderId,
      registered: candidate.registered,
      waitedS: seconds(candidate.installedAt, now),
      graceS: settings.graceS,
    },
  });
}
