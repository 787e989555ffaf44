import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { notFound } from '../errors.ts';
import { computeAssignments } from './scope.ts';
import { getBatch } from './batches.ts';
import { equipList } from './acceptance.ts';
import { unitProgress } from './progress.ts';
import { getRolloutSettings } from './settings.ts';
import { latestSecurityTest } from './security-tests.ts';
import { rolloutInstalledIds } from './coverage.ts';

/** One unit's row of an installation bulletin (通报). */
export interface BulletinRow {
  unitId: number;
  unitName: string;
  shouldEquip: number;
  installed: number;
  accepted: boolean;
  exempt: number;
  missing: number;
  /** Share of installed terminals that reported within the onlineWindowHours setting, 0..1; null with none installed. */
  onlineRate: number | null;
  overduePhases: string[];
  /** Result of the unit's latest data-security and operation test, null before any. */
  dataSecurityTest: 'passed' | 'failed' | null;
}

export interface Bulletin {
  id: number | null;
  kind: 'installation' | 'inspection';
  batchId: number;
  title: string;
  generatedAt: string;
  rows: unknown[];
}

async function onlineCount(db: Kysely<Database>, vehicleIds: number[], since: number): Promise<number> {
  if (vehicleIds.length === 0) return 0;
  const rows = await db.selectFrom('terminals').select('id').where('vehicle_id', 'in', vehicleIds).where('last_seen_at', '>=', since).execute();
  return rows.length;
}

/** Computes the installation bulletin rows of a batch from the current data. */
export async function installationRows(db: Kysely<Database>, batchId: number, now = Date.now()): Promise<BulletinRow[]> {
  const settings = await getRolloutSettings(db);
  const assignments = await computeAssignments(db);
  const rows: BulletinRow[] = [];
  for (const progress of await unitProgress(db, batchId, now)) {
    const list = await equipList(db, assignments, progress.unitId, batchId);
    const installedIds = [...(await rolloutInstalledIds(db, list.install))];
    const online = await onlineCount(db, installedIds, now - settings.onlineWindowHours * 3600_000);
    const accepted = await db.selectFrom('rollout_acceptances').select('id').where('unit_id', '=', progress.unitId).where('batch_id', '=', batchId).executeTakeFirst();
    const securityTest = await latestSecurityTest(db, progress.unitId, batchId);
    rows.push({
      unitId: progress.unitId,
      unitName: progress.unitName,
      shouldEquip: list.install.length,
      installed: installedIds.length,
      accepted: accepted !== undefined,
      exempt: list.exempt.length,
      missing: list.install.length - installedIds.length,
      onlineRate: installedIds.length === 0 ? null : online / installedIds.length,
      overduePhases: progress.phases.filter((p) => p.state === 'overdue').map((p) => p.phase),
      dataSecurityTest: securityTest?.result ?? null,
    });
  }
  return rows;
}

/** Stores a bulletin snapshot (rows fixed at generation) and returns it. */
export async function saveBulletin(db: Kysely<Database>, bulletin: Omit<Bulletin, 'id'>, userId: number | null): Promise<Bulletin> {
  const row = await db
    .insertInto('rollout_bulletins')
    .values({ kind: bulletin.kind, batch_id: bulletin.batchId, title: bulletin.title, content: JSON.stringify(bulletin.rows), generated_at: Date.parse(bulletin.generatedAt), published_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...bulletin, id: row.id };
}

/** Builds and publishes the installation bulletin of a batch. */
export async function publishInstallationBulletin(db: Kysely<Database>, batchId: number, userId: number | null, now = Date.now()): Promise<Bulletin> {
  const batch = await getBatch(db, batchId);
  const rows = await installationRows(db, batchId, now);
  return saveBulletin(db, { kind: 'installation', batchId, title: `${batch.name}公务用车智能终端设备安装情况通报`, generatedAt: new Date(now).toISOString(), rows }, userId);
}

export async function getBulletin(db: Kysely<Database>, id: number): Promise<Bulletin> {
  const row = await db.selectFrom('rollout_bulletins').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Bulletin', id);
  return { id: row.id, kind: row.kind as Bulletin['kind'], batchId: row.batch_id, title: row.title, generatedAt: new Date(row.generated_at).toISOString(), rows: JSON.parse(row.content) as unknown[] };
}

export async function listBulletins(db: Kysely<Database>, batchId?: number): Promise<Omit<Bulletin, 'rows'>[]> {
  let query = db.selectFrom('rollout_bulletins').select(['id', 'kind', 'batch_id', 'title', 'generated_at']).orderBy('id');
  if (batchId !== undefined) query = query.where('batch_id', '=', batchId);
  const rows = await query.execute();
  return rows.map((row) => ({ id: row.id, kind: row.kind as Bulletin['kind'], batchId: row.batch_id, title: row.title, generatedAt: new Date(row.generated_at).toISOString() }));
}
