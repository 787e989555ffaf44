import type { Store } from '../store/db.ts';
import { entryDigest, GENESIS_DIGEST } from './digest.ts';
import type { AuditRow } from './log.ts';
import { checkCheckpoints, type Checkpoint } from './checkpoints.ts';

export type TamperReason = 'changed' | 'removed' | 'inserted' | 'reordered' | 'checkpoint_mismatch';

export interface FirstBad {
  /** Sequence number of the first entry that is not as it was written (for a removal: the first missing one). */
  seq: number;
  reason: TamperReason;
  /** English explanation naming the entries involved. */
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries read. */
  entries: number;
  lastSeq: number | null;
  lastDigest: string | null;
  firstBad?: FirstBad;
  /** Whether the triggers that refuse UPDATE and DELETE are still in place. */
  triggersPresent: boolean;
  /** Checkpoints compared (0 when none were given). */
  checkpointsChecked: number;
}

export interface VerifyOptions {
  /** Checkpoints from a previously exported sheet: their digests must still match. */
  checkpoints?: Checkpoint[];
  /** Rows read per page; the event loop gets a turn between pages. */
  pageSize?: number;
}

/** Link of the virtual entry before the first one. */
const genesis = { seq: 0, digest: GENESIS_DIGEST };
/** How far a moved entry's original sequence number is searched for. */
const maxShift = 1000;

const selfOk = (row: AuditRow) => entryDigest(row) === row.digest;

/**
 * Walks the whole chain in sequence order and names the first entry that was changed,
 * removed, inserted or reordered; with checkpoints, also detects a chain that was rewritten
 * consistently (every digest recomputed) since the checkpoints were exported.
 */
export async function verifyAuditChain(store: Store, options: VerifyOptions = {}): Promise<VerifyResult> {
  const page = store.sqlite.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
  const pageSize = options.pageSize ?? 2000;
  let prev: { seq: number; digest: string } = genesis;
  let entries = 0;
  let firstBad: FirstBad | undefined;
  for (;;) {
    const rows = page.all(prev.seq, pageSize + 1) as AuditRow[];
    for (let i = 0; i < Math.min(rows.length, pageSize) && !firstBad; i++) {
      const row = rows[i]!;
      if (row.seq !== prev.seq + 1 || row.prev_digest !== prev.digest || !selfOk(row)) {
        firstBad = classify(store, prev, row, rows[i + 1] ?? nextRow(store, row.seq));
      } else {
        entries++;
        prev = row;
      }
    }
    if (firstBad || rows.length <= pageSize) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const total = store.sqlite.prepare('SELECT count(*) AS n, max(seq) AS last FROM audit_log').get() as { n: number; last: number | null };
  const lastDigest = total.last === null ? null : (store.sqlite.prepare('SELECT digest FROM audit_log WHERE seq = ?').get(total.last) as { digest: string }).digest;
  const checkpoints = options.checkpoints ?? [];
  if (!firstBad && checkpoints.length > 0) firstBad = checkCheckpoints(store, checkpoints);
  return {
    ok: firstBad === undefined,
    entries: total.n,
    lastSeq: total.last,
    lastDigest,
    ...(firstBad ? { firstBad } : {}),
    triggersPresent: triggersPresent(store),
    checkpointsChecked: checkpoints.length,
  };
}

function nextRow(store: Store, seq: number): AuditRow | undefined {
  return store.sqlite.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1').get(seq) as AuditRow | undefined;
}

function rowByDigest(store: Store, digest: string): AuditRow | undefined {
  return store.sqlite.prepare('SELECT * FROM audit_log WHERE digest = ? LIMIT 1').get(digest) as AuditRow | undefined;
}

/** The sequence number under which a row's stored digest was computed, if it was moved by at most maxShift. */
function originalSeq(row: AuditRow): number | null {
  for (let d = 1; d <= maxShift; d++) {
    for (const seq of [row.seq + d, row.seq - d]) {
      if (seq > 0 && entryDigest({ ...row, seq }) === row.digest) return seq;
    }
  }
  return null;
}

/** Names the first bad entry, given the last good one (prev), the first anomalous row and the row after it. */
function classify(store: Store, prev: { seq: number; digest: string }, row: AuditRow, next: AuditRow | undefined): FirstBad {
  const expected = prev.seq + 1;
  if (row.seq > expected) {
    const range = row.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected} to ${row.seq - 1} are`;
    return { seq: expected, reason: 'removed', detail: `${range} missing: entry ${row.seq} follows entry ${prev.seq}` };
  }
  const linked = row.prev_digest === prev.digest;
  const target = linked ? undefined : rowByDigest(store, row.prev_digest);
  if (target && target.seq > row.seq) {
    return { seq: row.seq, reason: 'reordered', detail: `entry ${row.seq} links to entry ${target.seq}, which now comes after it: entries were reordered` };
  }
  if (next && next.prev_digest === prev.digest) {
    return { seq: row.seq, reason: 'inserted', detail: `entry ${row.seq} was inserted: entry ${next.seq} links directly to entry ${prev.seq}` };
  }
  if (target && target.seq < prev.seq) {
    return { seq: target.seq + 1, reason: 'inserted', detail: `entry ${row.seq} links to entry ${target.seq}: entries ${target.seq + 1} to ${prev.seq} were inserted` };
  }
  return classifyLinkOrContent(prev, row, linked);
}

function classifyLinkOrContent(prev: { seq: number; digest: string }, row: AuditRow, linked: boolean): FirstBad {
  if (selfOk(row)) {
    // The row is self-consistent but does not link to its predecessor: the predecessor was changed and its digest recomputed.
    if (prev.seq === 0) return { seq: row.seq, reason: 'changed', detail: `entry ${row.seq} does not start from the genesis digest` };
    return {
      seq: prev.seq,
      reason: 'changed',
      detail: `entry ${prev.seq} was changed and its digest recomputed: entry ${row.seq} still links to a different digest`,
    };
  }
  if (!linked) {
    const original = originalSeq(row);
    if (original !== null && original > row.seq) {
      return { seq: row.seq, reason: 'removed', detail: `entry ${row.seq} was written as entry ${original}: ${original - row.seq} entr${original - row.seq === 1 ? 'y' : 'ies'} before it were removed and the rest renumbered` };
    }
    if (original !== null) {
      return { seq: row.seq, reason: 'inserted', detail: `entry ${row.seq} was written as entry ${original}: entries were inserted before it and the rest renumbered` };
    }
  }
  return { seq: row.seq, reason: 'changed', detail: `entry ${row.seq} was changed: its stored SM3 digest does not match its content` };
}

function triggersPresent(store: Store): boolean {
  const rows = store.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
    .all() as { name: string }[];
  const names = new Set(rows.map((r) => r.name));
  return names.has('audit_log_no_update') && names.has('audit_log_no_delete');
}
