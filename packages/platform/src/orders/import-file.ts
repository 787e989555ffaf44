import { invalid } from '../errors.ts';
import { decodeCsv, parseCsv } from '../registry/import-file.ts';
import { loadWorkbook } from '../input-files.ts';

/** A cell of an order file: text, or a Date for a spreadsheet date cell. */
export type OrderCell = string | Date;

export const orderFields = ['externalRef', 'plate', 'driver', 'applicant', 'purpose', 'start', 'end', 'destinations', 'outOfArea', 'holidayUse', 'status'] as const;
export type OrderField = (typeof orderFields)[number];

/** Chinese heading of each column; errors name columns by it. */
export const orderHeadings: Record<OrderField, string> = {
  externalRef: '单号',
  plate: '车牌号',
  driver: '驾驶员',
  applicant: '申请人',
  purpose: '事由',
  start: '开始时间',
  end: '结束时间',
  destinations: '目的地',
  outOfArea: '出区',
  holidayUse: '节假日用车',
  status: '状态',
};

const aliases: Record<OrderField, string[]> = {
  externalRef: ['派车单号', '申请单号', '编号', 'number', 'ref'],
  plate: ['车牌号码', '车牌'],
  driver: ['司机', '驾驶人'],
  applicant: ['用车人', '申请人员'],
  purpose: ['用车事由', '事由说明'],
  start: ['出车时间', '开始'],
  end: ['返回时间', '结束', '收车时间'],
  destinations: ['目的地点', '地点'],
  outOfArea: ['是否出区', '跨区', '出区用车'],
  holidayUse: ['节假日', '是否节假日用车'],
  status: ['审批状态'],
};

export const requiredOrderFields: readonly OrderField[] = ['plate', 'applicant', 'purpose', 'start', 'end', 'destinations'];

const normalise = (heading: string) => heading.replace(/[\s*＊]/g, '').toLowerCase();
const lookup = new Map<string, OrderField>();
for (const field of orderFields) {
  lookup.set(normalise(field), field);
  lookup.set(normalise(orderHeadings[field]), field);
  for (const alias of aliases[field]) lookup.set(normalise(alias), field);
}

export interface OrderFileRow {
  /** The row as the spreadsheet shows it (header = row 1 unless a title is above it). */
  rowNumber: number;
  values: Partial<Record<OrderField, OrderCell>>;
}

type Table = { rowNumber: number; cells: OrderCell[] }[];
const cellText = (cell: OrderCell | undefined) => (cell instanceof Date ? cell.toISOString() : (cell ?? '').trim());

/** Builds rows from a table; the header is the first of the first 10 rows with a plate heading. */
export function orderRowsFromTable(table: Table, source: string): OrderFileRow[] {
  const header = table.slice(0, 10).find((row) => row.cells.some((cell) => lookup.get(normalise(cellText(cell))) === 'plate'));
  if (!header) throw invalid(`${source}: no header row with 车牌号 (plate) in the first 10 rows; expected ${requiredOrderFields.map((f) => orderHeadings[f]).join(', ')}`, source);
  const columns = new Map<number, OrderField>();
  header.cells.forEach((cell, index) => {
    const field = lookup.get(normalise(cellText(cell)));
    if (!field) return;
    if ([...columns.values()].includes(field)) throw invalid(`${source}: column ${orderHeadings[field]} appears twice in header row ${header.rowNumber}`, cellText(cell));
    columns.set(index, field);
  });
  const missing = requiredOrderFields.filter((field) => ![...columns.values()].includes(field));
  if (missing.length > 0) {
    throw invalid(`${source}: header row ${header.rowNumber} lacks the columns ${missing.map((f) => `${orderHeadings[f]} (${f})`).join(', ')}`, header.cells.map(cellText));
  }
  const rows: OrderFileRow[] = [];
  for (const row of table) {
    if (row.rowNumber <= header.rowNumber || row.cells.every((cell) => cellText(cell) === '')) continue;
    const values: OrderFileRow['values'] = {};
    for (const [index, field] of columns) {
      const cell = row.cells[index];
      if (cell instanceof Date) values[field] = cell;
      else if (cell !== undefined && cell.trim() !== '') values[field] = cell.trim();
    }
    rows.push({ rowNumber: row.rowNumber, values });
  }
  return rows;
}

async function readXlsxTable(bytes: Buffer, source: string): Promise<Table> {
  const workbook = await loadWorkbook(bytes, source);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw invalid(`${source} contains no worksheet`, source);
  const table: Table = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: OrderCell[] = [];
    for (let column = 1; column <= row.cellCount; column++) {
      const cell = row.getCell(column);
      cells.push(cell.value instanceof Date ? cell.value : (cell.text ?? ''));
    }
    table.push({ rowNumber, cells });
  });
  return table;
}

export const orderFileFormats = ['csv', 'xlsx'] as const;
export type OrderFileFormat = (typeof orderFileFormats)[number];

/** Reads trip order rows from CSV (UTF-8 or GBK) or XLSX (first worksheet) bytes. */
export async function readOrderFile(bytes: Buffer, format: OrderFileFormat, source: string): Promise<OrderFileRow[]> {
  const table: Table = format === 'csv' ? parseCsv(decodeCsv(bytes)) : await readXlsxTable(bytes, source);
  return orderRowsFromTable(table, source);
}
