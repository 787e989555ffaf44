import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defineCommand } from './commands.ts';
import { readInputFile } from '../input-files.ts';
import { openExistingStore } from '../store/open-existing.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';
import { getBatchByNumber } from '../rollout/batches.ts';
import { installationRows, publishInstallationBulletin } from '../rollout/bulletins.ts';
import { completePassedWorkOrders } from '../rollout/work-orders.ts';
import { overdueList } from '../rollout/progress.ts';
import { getRolloutSettings } from '../rollout/settings.ts';
import { bulletinDocx, bulletinXlsx } from '../rollout/exports/bulletin-files.ts';
import { parseRegistrationXlsx } from '../rollout/exports/form-import.ts';
import { createForm, findForm, updateForm } from '../rollout/forms.ts';

const dataDirOption = '  --data-dir DIR   folder of the database file (default: ./data, or GONGCHE_DATA_DIR)';

const bulletinUsage = `Usage: gongche rollout bulletin --batch N [--out FILE.xlsx|FILE.docx] [--data-dir DIR]

Publishes the installation bulletin (通报) of batch N: one row per unit with the vehicles to
equip, installed, accepted, exempt, missing, the online rate, the result of the latest
data-security and operation test and the overdue phases. Without
--out the rows are printed; with --out the file is written as XLSX or DOCX by its extension.

Options:
  --batch N        batch number (1, 2, …)
  --out FILE       write the bulletin to FILE (.xlsx or .docx)
${dataDirOption}`;

const statusUsage = `Usage: gongche rollout status [--batch N] [--data-dir DIR]

Prints every phase past its deadline and not done, per unit (the overdue list), for batch N or
all batches. Exit code 0 when nothing is overdue, 1 otherwise.

Options:
  --batch N        batch number (default: every batch)
${dataDirOption}`;

const importUsage = `Usage: gongche rollout import-form FILE --unit ID --batch N [--data-dir DIR]

Reads a filled registration form (附件1, XLSX in the layout the platform exports) into the
unit's draft form for batch N. Bad rows are listed with their row number; nothing is stored
then and the exit code is 1.

Options:
  --unit ID        unit id
  --batch N        batch number
${dataDirOption}`;

function batchNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--batch must be a batch number such as 1, got "${value}"`);
  return number;
}

defineCommand({
  path: ['rollout', 'bulletin'],
  summary: 'publish the installation bulletin of a batch',
  usage: bulletinUsage,
  async run(args) {
    const { values } = parseArgs({ args, options: { batch: { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
    const number = batchNumber(values.batch);
    if (number === undefined) {
      console.error(`--batch is required.\n\n${bulletinUsage}`);
      return 2;
    }
    const out = values.out ? path.resolve(values.out) : null;
    if (out && !/\.(xlsx|docx)$/i.test(out)) {
      console.error(`--out must end in .xlsx or .docx, got ${values.out}`);
      return 2;
    }
    const store = await openExistingStore(values['data-dir']);
    try {
      const batch = await getBatchByNumber(store.db, number);
      await completePassedWorkOrders(store);
      const bulletin = await publishInstallationBulletin(store.db, batch.id, null);
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.bulletinPublished, objectType: 'bulletin', objectId: bulletin.id, detail: { batchId: batch.id, units: bulletin.rows.length, out: out ? path.basename(out) : null } });
      if (out) {
        const content = out.toLowerCase().endsWith('.xlsx') ? await bulletinXlsx(bulletin) : await bulletinDocx(bulletin, (await getRolloutSettings(store.db)).issuingOrgan);
        fs.writeFileSync(out, content);
        console.log(`${bulletin.title}: ${bulletin.rows.length} unit(s) written to ${out}`);
      } else {
        console.log(`${bulletin.title} (${bulletin.generatedAt})`);
        for (const row of await installationRows(store.db, batch.id)) {
          console.log(`  ${row.unitName}: 应装 ${row.shouldEquip}, 已装 ${row.installed}, 暂不安装 ${row.exempt}, 未装 ${row.missing}, 验收 ${row.accepted ? '是' : '否'}, 数据安全测试 ${row.dataSecurityTest ?? '未测试'}${row.overduePhases.length ? `, 逾期 ${row.overduePhases.join(',')}` : ''}`);
        }
      }
      return 0;
    } finally {
      await store.close();
    }
  },
});

defineCommand({
  path: ['rollout', 'status'],
  summary: 'list overdue rollout phases per unit',
  usage: statusUsage,
  async run(args) {
    const { values } = parseArgs({ args, options: { batch: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
    const number = batchNumber(values.batch);
    const store = await openExistingStore(values['data-dir']);
    try {
      const batchId = number === undefined ? undefined : (await getBatchByNumber(store.db, number)).id;
      const rows = await overdueList(store.db, batchId);
      if (rows.length === 0) console.log('No overdue phases.');
      for (const row of rows) console.log(`batch ${row.batchNumber}\t${row.unitName}\t${row.phase}\tdue ${row.dueDate}`);
      return rows.length === 0 ? 0 : 1;
    } finally {
      await store.close();
    }
  },
});

defineCommand({
  path: ['rollout', 'import-form'],
  summary: 'import a filled registration form (附件1 XLSX)',
  usage: importUsage,
  async run(args) {
    const { values, positionals } = parseArgs({ args, options: { unit: { type: 'string' }, batch: { type: 'string' }, 'data-dir': { type: 'string' } }, allowPositionals: true, strict: true });
    const unitId = Number(values.unit);
    const number = batchNumber(values.batch);
    if (positionals.length !== 1 || !Number.isInteger(unitId) || unitId < 1 || number === undefined) {
      console.error(`Expected FILE, --unit ID and --batch N.\n\n${importUsage}`);
      return 2;
    }
    const { body, errors } = await parseRegistrationXlsx(await readInputFile(path.resolve(positionals[0]!)), path.basename(positionals[0]!));
    if (errors.length > 0) {
      console.error(`${path.basename(positionals[0]!)}: ${errors.length} error(s); nothing was imported.`);
      for (const e of errors) console.error(`  第 ${e.row} 行 / row ${e.row}, ${e.column}${e.value === null ? '' : ` "${e.value}"`}: ${e.reason}`);
      return 1;
    }
    const store = await openExistingStore(values['data-dir']);
    try {
      const batch = await getBatchByNumber(store.db, number);
      const existing = await findForm(store.db, unitId, batch.id);
      const form = existing ? await updateForm(store.db, existing.id, { ...existing, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null)), install: body.install, exempt: body.exempt }) : await createForm(store.db, { ...body, unitId, batchId: batch.id }, null);
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.formImported, objectType: 'form', objectId: form.id, detail: { unitId, batchId: batch.id, install: form.install.length, exempt: form.exempt.length } });
      console.log(`Form ${form.id} (${form.unit.name}, batch ${number}): ${form.install.length} to install, ${form.exempt.length} exempt; state ${form.state}.`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
