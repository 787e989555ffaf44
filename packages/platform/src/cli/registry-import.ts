import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../config.ts';
import { openExistingStore } from '../store/open-existing.ts';
import { importRegistry, readRegistryFile, type ImportResult } from '../registry/import.ts';
import { defineCommand } from './commands.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';

const usage = `Usage: gongche registry import FILE [options]

Imports units, vehicles and terminals from a registration form: a .csv file (UTF-8, or GB18030/GBK
as Excel saves it in Chinese locales) or a .xlsx file (first worksheet).

Columns (Chinese headings or the English names in brackets):
  单位名称 (unit), 车牌号 (plate), 车辆类型 (vehicleType), 使用性质 (usageNature), 终端手机号 (terminalPhone)
  optional: 品牌型号 (brandModel), 备注 (remarks), 单位类别 (unitCategory), 领导职级 (leaderRank),
            终端ID (terminalId), IMEI (imei), ICCID (iccid)

A unit that does not exist yet is created. If any row is invalid, nothing is imported and every
bad row is listed; the exit code is then 1.

Options:
  --data-dir DIR   folder of the database file (default: ./data, or GONGCHE_DATA_DIR)
  --dry-run        check the file against the registry without storing anything`;

function printResult(file: string, result: ImportResult, dryRun: boolean): void {
  if (result.errors.length > 0) {
    console.error(`${file}: ${result.errors.length} error(s); nothing was imported.`);
    for (const e of result.errors) {
      const value = e.value === null ? '' : ` "${e.value}"`;
      console.error(`  第 ${e.row} 行 / row ${e.row}, ${e.column}${value}: ${e.reason}`);
    }
    return;
  }
  const verb = dryRun ? 'would import' : 'imported';
  const units = result.unitsCreated.length > 0 ? ` (${result.unitsCreated.join('、')})` : '';
  console.log(`${file}: ${verb} ${result.vehicles} vehicle(s) and ${result.terminals} terminal(s); ${dryRun ? 'would create' : 'created'} ${result.unitsCreated.length} unit(s)${units}.`);
  if (dryRun) console.log('Dry run: nothing was stored.');
}

defineCommand({
  path: ['registry', 'import'],
  summary: 'import vehicles from a CSV or XLSX registration form',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'data-dir': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) {
      console.error(`Expected exactly one FILE, got ${positionals.length}.\n\n${usage}`);
      return 2;
    }
    const file = path.resolve(positionals[0]!);
    const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultConfig().dataDir;
    const rows = await readRegistryFile(file);
    const store = await openExistingStore(dataDir);
    try {
      const result = await importRegistry(store.db, rows, { dryRun: values['dry-run'] });
      printResult(path.basename(file), result, values['dry-run']);
      if (!values['dry-run'] && result.errors.length === 0) {
        const detail = { file: path.basename(file), vehicles: result.vehicles, terminals: result.terminals, unitsCreated: result.unitsCreated };
        appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.registryImported, objectType: 'registry', detail });
      }
      return result.errors.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
});
