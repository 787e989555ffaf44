import path from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { defaultConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { invalid, notFound } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { withExistingStore } from '../store/open-existing.ts';
import { attachKeyring, readToolMasterKey } from '../crypto/setup.ts';
import { cliActor } from '../audit/actors.ts';
import type { NotReproducedAlert } from '../alerts/withdrawal.ts';
import { LocalClock } from '../rules/engine/local-clock.ts';
import { replayHistory } from '../rules/engine/replay.ts';
import { acquireReplayLock } from '../rules/engine/replay-lock.ts';
import { parseReplayBound } from '../rules/engine/replay-period.ts';
import type { Detector } from '../rules/engine/types.ts';
import { loadRuleSettings } from '../rules/templates/settings.ts';
import { negativeListDetectors } from '../rules/detectors/index.ts';
import { integrityDetectors } from '../rules/integrity/index.ts';
import { ruleCatalogue } from '../rules/rule-codes.ts';
import { defineCommand } from './commands.ts';

const usage = `Usage: gongche rules replay --from DATE --to DATE [options]

Evaluates the stored positions of a period again with the current places, trip orders,
templates and settings, each vehicle from an empty state a day before the period until a day
after it; only findings and trips that start in the period count. Alerts are merged by key into
the stored ones, so a replay over what the running platform already evaluated adds no duplicates,
and a changed setting shows as new alerts. Stored alerts that lie wholly in the period and are
not found again are withdrawn when still pending, or flagged for the reviewer when people have
already reviewed them; both stay stored with their evidence. A later evaluation that finds such
an alert again reinstates it. The period's trips are replaced by the replay's. The running
platform's own evaluation is not affected.

Options:
  --from DATE        first day, YYYY-MM-DD in the rules' time zone (Asia/Shanghai unless set),
                     or an ISO 8601 time with offset such as 2026-03-02T08:00+08:00
  --to DATE          last day (included), or an ISO 8601 time (excluded)
  --vehicle ID|PLATE only this vehicle
  --dry-run          list what the replay finds and would change; store nothing
  --data-dir DIR     folder of the database file (default: ./data, or GONGCHE_DATA_DIR)`;

const dayMs = 86_400_000;

/** Finds a vehicle by id or plate. */
async function findVehicle(db: Kysely<Database>, text: string): Promise<{ id: number; plate: string }> {
  const byId = /^\d+$/.test(text) ? await db.selectFrom('vehicles').select(['id', 'plate']).where('id', '=', Number(text)).executeTakeFirst() : undefined;
  const vehicle = byId ?? (await db.selectFrom('vehicles').select(['id', 'plate']).where('plate', '=', text.trim()).executeTakeFirst());
  if (!vehicle) throw notFound('Vehicle', `${text} (give a vehicle id or its plate as registered, e.g. 新Q12345)`);
  return vehicle;
}

const iso = (ms: number) => new Date(ms).toISOString();

defineCommand({
  path: ['rules', 'replay'],
  summary: 're-evaluate stored positions of a period',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { from: { type: 'string' }, to: { type: 'string' }, vehicle: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) throw invalid(`Unexpected argument ${positionals[0]}: rules replay takes only options, see "gongche rules replay --help"`, positionals[0]);
    const config = defaultConfig();
    const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config.dataDir;
    return withExistingStore(dataDir, async (store) => {
      const settings = await loadRuleSettings(store.db);
      const clock = new LocalClock(settings.timeZone);
      const from = parseReplayBound(values.from, 'from', clock, '--from');
      const to = parseReplayBound(values.to, 'to', clock, '--to');
      if (from >= to) throw invalid(`Invalid period: --from ${values.from} is not before --to ${values.to}`, { from: values.from, to: values.to });
      const vehicle = values.vehicle === undefined ? undefined : await findVehicle(store.db, values.vehicle);
      attachKeyring(store, readToolMasterKey(config.encryption, dataDir), config.encryption);

      const detectors = [...negativeListDetectors, ...integrityDetectors] as Detector<unknown, unknown>[];
      const logger = createLogger({ level: process.env.GONGCHE_LOG_LEVEL ?? 'warn' });
      const save = !values['dry-run'];
      // Older positions may be purged but for the alerts' evidence, so a replay there cannot judge what it does not find.
      const positionsKeptSince = Date.now() - config.retention.positionsRetentionDays * dayMs;
      // A storing replay takes the store's lock, so it never runs beside one started in the console.
      const lock = save ? acquireReplayLock(store, `command-line replay (${iso(from)} to ${iso(to)}, pid ${process.pid} on ${os.hostname()})`, logger) : null;
      if (lock?.tookOverFrom) logger.warn({ staleHolder: lock.tookOverFrom }, 'took over a stale rules replay lock');
      let result;
      try {
        result = await replayHistory(store, { from, to, vehicleId: vehicle?.id, detectors, logger, save, actor: cliActor(), positionsKeptSince });
      } finally {
        lock?.release();
      }

      const plates = new Map((await store.db.selectFrom('vehicles').select(['id', 'plate']).execute()).map((v) => [v.id, v.plate]));
      const plate = (vehicleId: number) => plates.get(vehicleId) ?? String(vehicleId);
      console.log(
        `Replayed ${iso(from)} to ${iso(to)}${vehicle ? ` for ${vehicle.plate}` : ''} with settings revision ${result.settingsRevision}: ` +
          `${result.positions} positions of ${result.vehicles} vehicles, ${result.trips} trips, ${result.alerts.length} alerts.`,
      );
      for (const alert of result.alerts) {
        console.log(`  ${alert.rule.padEnd(26)} ${plate(alert.vehicleId)}  ${iso(alert.start)} .. ${iso(alert.end)}  ${ruleCatalogue[alert.rule].zh}${alert.late ? '  (late)' : ''}`);
      }
      const notFound = (label: string, alerts: NotReproducedAlert[]) => {
        if (alerts.length === 0) return;
        console.log(label);
        for (const alert of alerts) console.log(`  #${alert.id} ${alert.rule.padEnd(26)} ${plate(alert.vehicleId)}  ${iso(alert.start)} .. ${iso(alert.end)}  ${alert.state}`);
      };
      notFound(save ? 'Withdrawn (pending, not found again):' : 'Would be withdrawn (pending, not found again):', result.withdrawn);
      notFound(save ? 'Flagged for review (already reviewed, not found again; state kept):' : 'Would be flagged for review (already reviewed, not found again):', result.flagged);
      if (result.unchecked > 0) {
        console.log(`${result.unchecked} alerts not found again were left alone: they are older than the positions' retention (${config.retention.positionsRetentionDays} days), whose purge may have removed the positions around them.`);
      }
      const counts = `${result.created} created, ${result.unchanged} unchanged, ${result.reinstated} reinstated, ${result.withdrawn.length} withdrawn, ${result.flagged.length} flagged`;
      console.log(save ? `Stored: ${counts}; trips of the period replaced.` : `Dry run, nothing stored; storing would give: ${counts}.`);
      return 0;
    });
  },
});
