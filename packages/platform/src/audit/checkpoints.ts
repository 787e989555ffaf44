import type { Store } from '../store/db.ts';
import { invalid } from '../errors.ts';
import type { FirstBad } from './verify.ts';

/** One day's checkpoint: entries written that day (Asia/Shanghai), the day's last entry and its digest. */
export interface Checkpoint {
  /** YYYY-MM-DD in Beijing time. */
  day: string;
  count: number;
  lastSeq: number;
  digest: string;
}

const dayMs = 86_400_000;
/** Asia/Shanghai has been UTC+8 all year since 1991. */
const beijingOffsetMs = 8 * 3_600_000;

/** Start of a Beijing-time day (YYYY-MM-DD) as UTC ms. */
export function beijingDayStart(day: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw invalid(`Invalid date "${day}": expected YYYY-MM-DD, e.g. 2024-05-01`, day);
  }
  return ms - beijingOffsetMs;
}

/** Returns the Beijing-time day (YYYY-MM-DD) of a UTC ms instant. */
export function beijingDay(at: number): string {
  return new Date(at + beijingOffsetMs).toISOString().slice(0, 10);
}

/** Daily checkpoints for the Beijing-time days from..to (inclusive); days without entries are left out. */
export function dailyCheckpoints(store: Store, from: string, to: string): Checkpoint[] {
  const start = beijingDayStart(from);
  const end = beijingDayStart(to) + dayMs;
  if (end <= start) throw invalid(`--to (${to}) must not be before --from (${from})`, to);
  const rows = store.sqlite
    .prepare(
      // Integer literals: bound JS numbers would make the division a floating-point one.
      `SELECT (at + ${beijingOffsetMs}) / ${dayMs} AS day_index, count(*) AS count, max(seq) AS last_seq
       FROM audit_log WHERE at >= ? AND at < ? GROUP BY day_index ORDER BY day_index`,
    )
    .all(start, end) as { day_index: number; count: number; last_seq: number }[];
  const digestOf = store.sqlite.prepare('SELECT digest FROM audit_log WHERE seq = ?');
  return rows.map((r) => ({
    day: new Date(r.day_index * dayMs).toISOString().slice(0, 10),
    count: r.count,
    lastSeq: r.last_seq,
    digest: (digestOf.get(r.last_seq) as { digest: string }).digest,
  }));
}

/**
 * Compares exported checkpoints with the store. Returns the first bad entry the earliest failing
 * checkpoint points at, or undefined when every checkpoint still matches. Call it on a chain that
 * verified: then a matching checkpoint proves every entry up to it unchanged.
 */
export function checkCheckpoints(store: Store, checkpoints: Checkpoint[]): FirstBad | undefined {
  const sorted = [...checkpoints].sort((a, b) => a.lastSeq - b.lastSeq);
  const bySeq = store.sqlite.prepare('SELECT seq, at, digest FROM audit_log WHERE seq = ?');
  // Entries after the checkpoint's last one may have been added since (the day was not over): they do not count.
  const countOfDay = store.sqlite.prepare('SELECT count(*) AS n FROM audit_log WHERE at >= ? AND at < ? AND seq <= ?');
  let lastGood = 0;
  for (const cp of sorted) {
    const row = bySeq.get(cp.lastSeq) as { seq: number; at: number; digest: string } | undefined;
    const range = `between entry ${lastGood + 1} and entry ${cp.lastSeq}`;
    if (!row) {
      return { seq: cp.lastSeq, reason: 'removed', detail: `entry ${cp.lastSeq}, the last entry of ${cp.day} on the checkpoint sheet, is missing` };
    }
    if (row.digest !== cp.digest) {
      return { seq: lastGood + 1, reason: 'checkpoint_mismatch', detail: `the digest of entry ${cp.lastSeq} no longer matches the checkpoint of ${cp.day}: the chain was rewritten ${range}` };
    }
    const start = beijingDayStart(cp.day);
    const { n } = countOfDay.get(start, start + dayMs, cp.lastSeq) as { n: number };
    if (n !== cp.count) {
      return { seq: lastGood + 1, reason: 'checkpoint_mismatch', detail: `${cp.day} now has ${n} entries, the checkpoint sheet says ${cp.count}: the chain was rewritten ${range}` };
    }
    lastGood = cp.lastSeq;
  }
  return undefined;
}

const title = '公车监管平台 审计日志每日校验值 / gongche audit log: daily checkpoints';
const header = ['日期 Date', '条目数 Entries', '末条序号 Last seq', '末条SM3摘要 SM3 digest of the last entry'];

/** Formats the printable checkpoint sheet: plain text with Chinese and English headings, to be signed and sealed. */
export function formatCheckpointSheet(checkpoints: Checkpoint[], meta: { store: string; from: string; to: string; exportedAt: number }): string {
  const lines = [
    title,
    '',
    `数据库 Store:          ${meta.store}`,
    `日期范围 Days:         ${meta.from} .. ${meta.to} (北京时间 Asia/Shanghai, UTC+8)`,
    `导出时间 Exported at:  ${new Date(meta.exportedAt + beijingOffsetMs).toISOString().replace('T', ' ').slice(0, 19)} (UTC+8)`,
    '算法 Algorithm:        SM3 (GB/T 32905-2016) hash chain, encoding gongche-audit-v1',
    '',
    header.join('  '),
  ];
  for (const cp of checkpoints) lines.push(`${cp.day}  ${String(cp.count).padStart(12)}  ${String(cp.lastSeq).padStart(15)}  ${cp.digest}`);
  if (checkpoints.length === 0) lines.push('（此期间无审计条目 / no audit entries in these days）');
  lines.push(
    '',
    `共 ${checkpoints.length} 天 / ${checkpoints.length} day(s)`,
    '',
    '核对人 Checked by: ____________    日期 Date: ____________    盖章 Seal:',
    '',
  );
  return lines.join('\n');
}

const rowPattern = /^(\d{4}-\d{2}-\d{2})\s+(\d+)\s+(\d+)\s+([0-9a-f]{64})\s*$/;

/** Reads the checkpoint rows back from a sheet; every other line is ignored. */
export function parseCheckpointSheet(text: string): Checkpoint[] {
  const checkpoints: Checkpoint[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = rowPattern.exec(line.trim());
    if (m) checkpoints.push({ day: m[1]!, count: Number(m[2]), lastSeq: Number(m[3]), digest: m[4]! });
  }
  if (checkpoints.length === 0) throw invalid('The checkpoint file contains no checkpoint rows (expected lines "YYYY-MM-DD  COUNT  LAST_SEQ  DIGEST")');
  return checkpoints;
}
