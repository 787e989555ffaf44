import type { Store } from '../store/db.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Returns the emergency alarms that started in [from, to), oldest first. The user who
 * acknowledged an alarm is left out: a user id means nothing on the other network.
 */
export async function periodAlarms(store: Store, from: number, to: number) {
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
 * Returns the alerts (negative list and device integrity) that started in [from, to), had a
 * review step in it or changed in it, oldest first, each with its current state and every review
 * step so far. Changes are extensions by later reports and the withdrawals, flags and
 * reinstatements of rules replays, which all set updated_at. A later package carries an alert
 * again when it changes later, so the receiver keeps the newest record per key. Steps name the actor by username and role, not by user id, because a
 * user id means nothing on the other network. Attachments travel as name, type, size and SHA-256,
 * without their content.
 */
export async function periodAlerts(store: Store, from: number, to: number) {
  const reviewed = store.db.selectFrom('alert_transitions').select('alert_id').where('at', '>=', from).where('at', '<', to);
  const alerts = await store.db
    .selectFrom('alerts as a')
    .innerJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .selectAll('a')
    .select('v.plate')
    .where((eb) => eb.or([
      eb.and([eb('a.start_at', '>=', from), eb('a.start_at', '<', to)]),
      eb.and([eb('a.updated_at', '>=', from), eb('a.updated_at', '<', to)]),
      eb('a.id', 'in', reviewed),
    ]))
    .orderBy('a.start_at')
    .orderBy('a.id')
    .execute();
  const ids = alerts.map((a) => a.id);
  const steps = ids.length === 0 ? [] : await store.db.selectFrom('alert_transitions').selectAll().where('alert_id', 'in', ids).orderBy('at').orderBy('id').execute();
  const files = ids.length === 0 ? [] : await store.db.selectFrom('alert_attachments').select(['id', 'alert_id', 'file_name', 'media_type', 'size', 'sha256', 'uploaded_at']).where('alert_id', 'in', ids).orderBy('id').execute();
  return alerts.map((a) => ({
    type: 'alert',
    id: a.id,
    key: a.key,
    rule: a.rule,
    vehicleId: a.vehicle_id,
    plate: a.plate,
    unitId: a.unit_id,
    terminalId: a.terminal_id,
    start: iso(a.start_at),
    end: iso(a.end_at),
    severity: a.severity,
    // As the API shows it: a pending alert that a rules replay withdrew is sent as withdrawn.
    state: a.withdrawn_at === null ? a.state : 'withdrawn',
    late: a.late === 1,
    facts: JSON.parse(a.facts) as unknown,
    evidence: {
      positionRange: { from: iso(a.evidence_from), to: iso(a.evidence_to) },
      positionIds: JSON.parse(a.position_ids) as unknown,
      rawFrameIds: JSON.parse(a.raw_frame_ids) as unknown,
      placeId: a.place_id,
      tripOrderId: a.trip_order_id,
      orderAbsent: a.order_absent === 1,
      tripId: a.trip_id,
    },
    transitions: steps
      .filter((step) => step.alert_id === a.id)
      .map((step) => ({ from: step.from_state, to: step.to_state, actorUsername: step.actor_username, actorRole: step.actor_role, at: iso(step.at), text: step.text, attachmentId: step.attachment_id })),
    attachments: files
      .filter((file) => file.alert_id === a.id)
      .map((file) => ({ id: file.id, fileName: file.file_name, mediaType: file.media_type, size: file.size, sha256: file.sha256, uploadedAt: iso(file.uploaded_at) })),
    createdAt: iso(a.created_at),
    updatedAt: iso(a.updated_at),
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
