import type { Store } from '../store/db.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Returns the emergency alarms that started in [from, to), oldest first. The user who
 * acknowledged an alarm is left out: a user id means nothing on the other network.
 */
export async function periodAlarms(store: Store, from: number, to: number) {
  // TODO: add the alerts of the negative list here once their table exists; until then a package carries emergency alarms only.
  const rows = await store.db
    .selectFrom('emergency_alarms as a')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .select(['a.id', 'a.terminal_id', 'a.vehicle_id', 'v.plate', 'a.alarm_serial', 'a.started_at', 'a.last_report_at', 'a.state', 'a.acknowledged_at', 'a.confirmation_sent_at', 'a.cleared_at'])
    .where('a.started_at', '>=', from)
    .where('a.started_at', '<', to)
    .orderBy('a.started_at')
    .orderBy('a.id')
    .execute();
  return rows.map((a) => ({
    type: 'emergency_alarm',
    id: a.id,
    terminalId: a.terminal_id,
    vehicleId: a.vehicle_id,
    plate: a.plate,
    alarmSerial: a.alarm_serial,
    startedAt: iso(a.started_at),
    lastReportAt: iso(a.last_report_at),
    state: a.state,
    acknowledgedAt: iso(a.acknowledged_at),
    confirmationSentAt: iso(a.confirmation_sent_at),
    clearedAt: iso(a.cleared_at),
  }));
}

/**
 * Returns the whole registry as records with a `type`: units, then vehicles, then terminals.
 * Left out: terminals' auth codes (secrets), the units' designated staff names and phones
 * (personal data the other network does not need), and terminals' last remote addresses.
 */
export async function registryRecords(store: Store) {
  const units = await store.db.selectFrom('units').select(['id', 'name', 'level', 'nature', 'category', 'organisation_code', 'address', 'supervising_unit_id', 'vehicle_quota', 'actual_count', 'updated_at']).orderBy('id').execute();
  const vehicles = await store.db.selectFrom('vehicles').select(['id', 'unit_id', 'plate', 'brand_model', 'vehicle_type', 'usage_nature', 'leader_rank', 'remarks', 'status', 'updated_at']).orderBy('id').execute();
  const terminals = await store.db
    .selectFrom('terminals')
    .select(['id', 'phone', 'vehicle_id', 'terminal_id', 'manufacturer_id', 'terminal_model', 'imei', 'iccid', 'edition', 'registered_at', 'last_seen_at', 'updated_at'])
    .orderBy('id')
    .execute();
  return [
    ...units.map((u) => ({
      type: 'unit',
      id: u.id,
      name: u.name,
      level: u.level,
      nature: u.nature,
      category: u.category,
      organisationCode: u.organisation_code,
      address: u.address,
      supervisingUnitId: u.supervising_unit_id,
      vehicleQuota: u.vehicle_quota,
      actualCount: u.actual_count,
      updatedAt: iso(u.updated_at),
    })),
    ...vehicles.map((v) => ({
      type: 'vehicle',
      id: v.id,
      unitId: v.unit_id,
      plate: v.plate,
      brandModel: v.brand_model,
      vehicleType: v.vehicle_type,
      usageNature: v.usage_nature,
      leaderRank: v.leader_rank,
      remarks: v.remarks,
      status: v.status,
      updatedAt: iso(v.updated_at),
    })),
    ...terminals.map((t) => ({
      type: 'terminal',
      id: t.id,
      phone: t.phone,
      vehicleId: t.vehicle_id,
      terminalId: t.terminal_id,
      manufacturerId: t.manufacturer_id,
      terminalModel: t.terminal_model,
      imei: t.imei,
      iccid: t.iccid,
      edition: t.edition,
      registeredAt: iso(t.registered_at),
      lastSeenAt: iso(t.last_seen_at),
      updatedAt: iso(t.updated_at),
    })),
  ];
}
