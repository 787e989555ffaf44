import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { invalid } from '../errors.ts';
import { verifyAuditChain, type VerifyResult } from '../audit/verify.ts';
import { beijingDay, dailyCheckpoints, formatCheckpointSheet, parseCheckpointSheet } from '../audit/checkpoints.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';
import { defineCommand } from './commands.ts';
import { openExistingStore } from '../store/open-existing.ts';

const dataDirOption = '  --data-dir DIR       folder of the database file (default: ./data, or GONGCHE_DATA_DIR)';

const verifyUsage = `Usage: gongche audit verify [--data-dir DIR] [--checkpoints FILE]

Recomputes the SM3 chain of the audit log and names the first entry that was changed,
removed, inserted or reordered. With --checkpoints, also compares the digests of a
previously exported checkpoint sheet, which detects a chain rewritten from the start.
Exit code 0 when the log is intact, 1 when it was tampered with.

Options:
${dataDirOption}
  --checkpoints FILE   a sheet written by "gongche audit checkpoints"`;

const checkpointsUsage = `Usage: gongche audit checkpoints --from DATE [--to DATE] [--out FILE] [--data-dir DIR]

Prints, per day (Beijing time, UTC+8), the number of audit entries, the last entry's sequence
number and its SM3 digest: a sheet to print, sign and seal. The chain is verified first; a
broken chain is not exported (exit code 1).

Options:
  --from DATE          first day, YYYY-MM-DD
  --to DATE            last day, YYYY-MM-DD (default: today)
  --out FILE           write the sheet to FILE instead of standard output
${dataDirOption}`;

/** Opens the store in DIR; refuses to create one, since verifying a new empty file proves nothing. */
const reasonsZh: Record<string, string> = {
  changed: '已被修改',
  removed: '已被删除',
  inserted: '被插入',
  reordered: '顺序被调换',
  checkpoint_mismatch: '与已封存的检查点不符（日志链被整体重写）',
};

/** The verification outcome in Chinese and English, and the exit code. */
export function describeVerification(result: VerifyResult): { text: string; exitCode: number } {
  const lines: string[] = [];
  if (result.ok) {
    lines.push(`审计日志完整 / Audit log intact: ${result.entries} entries, last seq ${result.lastSeq ?? '-'}`);
    if (result.lastDigest) lines.push(`末条摘要 / Last digest: ${result.lastDigest}`);
    if (result.checkpointsChecked > 0) lines.push(`检查点相符 / Checkpoints matched: ${result.checkpointsChecked}`);
  } else {
    const bad = result.firstBad!;
    lines.push('审计日志已被篡改 / Audit log TAMPERED');
    lines.push(`第一个异常条目 / First bad entry: #${bad.seq}`);
    lines.push(`原因 / Reason: ${reasonsZh[bad.reason] ?? bad.reason} / ${bad.reason}`);
    lines.push(`说明 / Detail: ${bad.detail}`);
  }
  if (!result.triggersPresent) {
    lines.push('防篡改触发器缺失：有人绕过平台改动了数据库 / The triggers that refuse changes to the audit log are missing: the database was altered outside the platform');
  }
  return { text: lines.join('\n'), exitCode: result.ok && result.triggersPresent ? 0 : 1 };
}

defineCommand({
  path: ['audit', 'verify'],
  summary: 'verify the SM3 chain of the audit log',
  usage: verifyUsage,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, checkpoints: { type: 'string' } }, strict: true });
    const checkpoints = values.checkpoints === undefined ? undefined : parseCheckpointSheet(fs.readFileSync(path.resolve(values.checkpoints), 'utf8'));
    const store = await openExistingStore(values['data-dir']);
    try {
      const result = await verifyAuditChain(store, checkpoints ? { checkpoints } : {});
      const { text, exitCode } = describeVerification(result);
      (exitCode === 0 ? console.log : console.error)(text);
      const detail = { ok: result.ok, entries: result.entries, checkpointsChecked: result.checkpointsChecked, firstBad: result.firstBad ?? null, triggersPresent: result.triggersPresent };
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.auditVerified, detail });
      return exitCode;
    } finally {
      await store.close();
    }
  },
});

defineCommand({
  path: ['audit', 'checkpoints'],
  summary: 'export daily checkpoint digests of the audit log for sealing',
  usage: checkpointsUsage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' } },
      strict: true,
    });
    if (values.from === undefined) throw invalid(`Missing --from\n\n${checkpointsUsage}`);
    const to = values.to ?? beijingDay(Date.now());
    const store = await openExistingStore(values['data-dir']);
    try {
      const result = await verifyAuditChain(store);
      if (!result.ok) {
        console.error(`${describeVerification(result).text}\n检查点未导出 / Checkpoints not exported: the chain must verify first`);
        return 1;
      }
      const checkpoints = dailyCheckpoints(store, values.from, to);
      const sheet = formatCheckpointSheet(checkpoints, { store: store.file, from: values.from, to, exportedAt: Date.now() });
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.auditCheckpointsExported, detail: { from: values.from, to, days: checkpoints.length, out: values.out ?? null } });
      if (values.out) {
        fs.writeFileSync(path.resolve(values.out), sheet, 'utf8');
        console.log(`Wrote ${checkpoints.length} day(s) of checkpoints to ${path.resolve(values.out)}`);
      } else {
        process.stdout.write(sheet);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});
