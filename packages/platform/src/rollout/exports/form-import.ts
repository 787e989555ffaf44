import ExcelJS from 'exceljs';
import { plateSchema } from '../../registry/schemas.ts';
import { usageNatures, vehicleTypes } from '../../registry/vocabulary.ts';
import type { FormBody } from '../forms.ts';
import { installHeaders } from './form-text.ts';
import { loadWorkbook } from '../../input-files.ts';

/** One bad row of an imported form: the worksheet row number, the column heading, the value and what is wrong. */
export interface ImportRowError {
  row: number;
  column: string;
  value: string | null;
  reason: string;
}

const cellText = (row: ExcelJS.Row, column: number) => {
  const value = row.getCell(column).text?.trim() ?? '';
  return value === '' ? null : value;
};

/** Finds the value cell right of a label anywhere in the sheet. */
function labelledValue(sheet: ExcelJS.Worksheet, label: string): string | null {
  let found: string | null = null;
  sheet.eachRow((row) => {
    row.eachCell((cell, column) => {
      if (found === null && cell.text.trim() === label) found = cellText(row, column + 1);
    });
  });
  return found;
}

function findHeaderRows(sheet: ExcelJS.Worksheet): number[] {
  const rows: number[] = [];
  sheet.eachRow((row, number) => {
    if (cellText(row, 1) === installHeaders[0] && cellText(row, 3) === installHeaders[2]) rows.push(number);
  });
  return rows;
}

function parseCount(value: string | null, column: string, row: number, errors: ImportRowError[]): number | null {
  if (value === null) return null;
  const count = Number(value);
  if (Number.isInteger(count) && count >= 0) return count;
  errors.push({ row, column, value, reason: 'must be a whole number' });
  return null;
}

function parseVehicleRow(row: ExcelJS.Row, exempt: boolean, errors: ImportRowError[]) {
  const plateText = cellText(row, 3);
  const plate = plateSchema.safeParse(plateText ?? '');
  if (!plate.success) errors.push({ row: row.number, column: '车牌号', value: plateText, reason: plate.error.issues[0]?.message ?? 'invalid plate' });
  const type = cellText(row, 4);
  if (type !== null && !(vehicleTypes as readonly string[]).includes(type)) errors.push({ row: row.number, column: '车辆类型', value: type, reason: `must be one of ${vehicleTypes.join('、')}` });
  const nature = cellText(row, 5);
  if (nature !== null && !(usageNatures as readonly string[]).includes(nature)) errors.push({ row: row.number, column: '使用性质', value: nature, reason: `must be one of ${usageNatures.join('、')}` });
  const reason = exempt ? cellText(row, 6) : null;
  if (exempt && reason === null) errors.push({ row: row.number, column: '暂不安装原因', value: null, reason: 'an exempt vehicle needs a reason' });
  const remarks = cellText(row, exempt ? 7 : 6);
  return plate.success ? { plate: plate.data, remarks, ...(exempt && { reason }) } : null;
}

function listRows(sheet: ExcelJS.Worksheet, headerRow: number, exempt: boolean, errors: ImportRowError[]) {
  const lines = [];
  for (let number = headerRow + 1; number <= sheet.rowCount; number++) {
    const row = sheet.getRow(number);
    const first = cellText(row, 1);
    if (first === null && cellText(row, 3) === null) break;
    if (first !== null && !/^\d+$/.test(first)) break;
    const line = parseVehicleRow(row, exempt, errors);
    if (line) lines.push(line);
  }
  return lines;
}

/** Reads a filled 附件1 workbook (the layout the export writes) into a form body and the row-level errors. */
export async function parseRegistrationXlsx(content: Buffer, source = 'the workbook'): Promise<{ body: FormBody; errors: ImportRowError[] }> {
  const workbook = await loadWorkbook(content, source);
  const sheet = workbook.worksheets[0];
  const errors: ImportRowError[] = [];
  if (!sheet) return { body: { install: [], exempt: [] }, errors: [{ row: 0, column: '-', value: null, reason: 'the workbook has no worksheet' }] };
  const headers = findHeaderRows(sheet);
  if (headers.length < 2) errors.push({ row: 0, column: '序号', value: null, reason: 'the sheet needs both vehicle tables (三、安装 and 四、暂不安装) with the heading row 序号 品牌型号 车牌号 …' });
  const body: FormBody = {
    vehicleQuota: parseCount(labelledValue(sheet, '公务用车编制数'), '公务用车编制数', 0, errors),
    actualCount: parseCount(labelledValue(sheet, '公务用车实有数'), '公务用车实有数', 0, errors),
    install: headers[0] === undefined ? [] : listRows(sheet, headers[0], false, errors),
    exempt: headers[1] === undefined ? [] : listRows(sheet, headers[1], true, errors),
  };
  return { body, errors };
}
