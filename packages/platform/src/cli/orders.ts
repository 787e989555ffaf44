import path from 'node:path';
import { parseArgs } from 'node:util';
import { withExistingStore } from '../store/open-existing.ts';
import { defineCommand } from './commands.ts';
import { readInputFile } from '../input-files.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';
import { invalid } from '../errors.ts';
import { importOrders, type OrderImportResult } from '../orders/import.ts';
import { readOrderFile } from '../orders/import-file.ts';
import { loadRuleSettings } from '../rules/templates/settings.ts';
import { resolveUnitOption } from './places.ts';

const usage = `Usage: gongche orders import FILE [options]

Imports trip orders (用车申请 / 派车单) from a .csv file (UTF-8, or GBK as Excel saves it) or a
.xlsx file (first worksheet).

Columns (Chinese headings or the English names in brackets):
  车牌号 (plate), 申请人 (applicant), 事由 (purpose), 开始时间 (start), 结束时间 (end), 目的地 (destinations)
  optional: 单号 (externalRef), 驾驶员 (driver: name or IC card number), 出区 (outOfArea: 是/否),
            节假日用车 (holidayUse: 是/否), 状态 (status: 已批准 or 待审批; default 待审批)
Times: 2025-05-06 09:30 in the rules' time zone (Asia/Shanghai unless changed), or ISO-8601 with
an offset; spreadsheet date cells are read as that local time.
目的地: places separated by ";": a stored place's name, #place-id, or a point 名称@纬度,经度[,半径米]
(radius 300 m when left out).

If any row is invalid, nothing is imported and every bad row is listed; the exit code is then 1.

Options:
  --unit UNIT      accept only vehicles of this unit (name or id)
  --data-dir DIR   folder of the database file (default: ./data, or GONGCHE_DATA_DIR)
  --dry-run        check the file without storing anything`;

function printResult(file: string, result: OrderImportResult, dryRun: boolean): void {
  if (result.errors.length > 0) {
    console.error(`${file}: ${result.errors.length} error(s); nothing was imported.`);
    for (const e of result.errors) console.error(`  第 ${e.row} 行 / row ${e.row}, ${e.column}${e.value === null ? '' : ` "${e.value}"`}: ${e.reason}`);
    return;
  }
  const verb = dryRun ? 'would import' : 'imported';
  console.log(`${file}: ${verb} ${result.orders} trip order(s), ${result.approved} of them approved.${dryRun ? ' Dry run: nothing was stored.' : ''}`);
}

defineCommand({
  path: ['orders', 'import'],
  summary: 'import trip orders from a CSV or XLSX file',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { unit: { type: 'string' }, 'data-dir': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) {
      console.error(`Expected exactly one FILE, got ${positionals.length}.\n\n${usage}`);
      return 2;
    }
    const file = path.resolve(positionals[0]!);
    const extension = path.extname(file).toLowerCase();
    if (extension !== '.csv' && extension !== '.xlsx') throw invalid(`Unsupported trip order file type "${extension || '(none)'}": use .csv or .xlsx`, file);
    const rows = await readOrderFile(await readInputFile(file), extension === '.csv' ? 'csv' : 'xlsx', path.basename(file));
    const dryRun = values['dry-run'];

    return withExistingStore(values['data-dir'], async (store) => {
      const unitId = values.unit === undefined ? undefined : await resolveUnitOption(store.db, values.unit);
      const { timeZone } = await loadRuleSettings(store.db);
      // The CLI runs with the database file's owner's rights: every unit, and approved rows stay approved.
      const result = await importOrders(store.db, rows, { scope: undefined, unitId, mayApprove: true, userId: null, timeZone, dryRun });
      printResult(path.basename(file), result, dryRun);
      if (result.imported) {
        const detail = { file: path.basename(file), orders: result.orders, approved: result.approved, firstId: result.ids[0], lastId: result.ids.at(-1) };
        appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.tripOrdersImported, objectType: 'trip_orders', objectId: result.ids[0] ?? 0, detail });
      }
      return result.errors.length > 0 ? 1 : 0;
    });
  },
});
