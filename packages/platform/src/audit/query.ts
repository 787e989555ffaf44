import type { Store } from '../store/db.ts';

export interface AuditFilter {
  from?: number | undefined;
  to?: number | undefined;
  action?: string | undefined;
  actorUsername?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  /** Only entries with a smaller sequence number (the previous page's nextBefore). */
  before?: number | undefined;
  limit: number;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorUserId: number | null;
  actorUsername: string;
  actorRole: string | null;
  actorAddress: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  detail: unknown;
  prevDigest: string;
  digest: string;
}

/** Audit entries matching the filter, newest first, one page at a time. */
export async function listAuditEntries(store: Store, filter: AuditFilter): Promise<{ items: AuditEntry[]; nextBefore: number | null }> {
  let query = store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(filter.limit + 1);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actorUsername !== undefined) query = query.where('actor_username', '=', filter.actorUsername);
  if (filter.objectType !== undefined) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectId !== undefined) query = query.where('object_id', '=', filter.objectId);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((r) => ({
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      actorUserId: r.actor_user_id,
      actorUsername: r.actor_username,
      actorRole: r.actor_role,
      actorAddress: r.actor_address,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      detail: JSON.parse(r.detail) as unknown,
      prevDigest: r.prev_digest,
      digest: r.digest,
    })),
    nextBefore: rows.length > filter.limit ? page.at(-1)!.seq : null,
  };
}
