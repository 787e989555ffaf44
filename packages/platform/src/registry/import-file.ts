import path from 'node:path';
import iconv from 'iconv-lite';
import { invalid } from '../errors.ts';
import { loadWorkbook, readInputFile } from '../input-files.ts';

/** Fields of one registration-form row. */
export const registryFields = [
  'unit', 'brandModel', 'plate', 'vehicleType', 'usageNature', 'remarks', 'terminalPhone',
  'unitCategory', 'leaderRank', 'terminalId', 'imei', 'iccid',
] as const;
export type RegistryField = (typeof registryFields)[number];

/** Chinese heading of each field as the registration form prints it; errors name columns by it. */
export const fieldHeadings: Record<RegistryField, string> = {
  unit: '单位名称',
  brandModel: '品牌型号',
  plate: '车牌号',
  vehicleType: '车辆类型',
  usageNature: '使用性质',
  remarks: '备注',
  terminalPhone: '终端手机号',
  unitCategory: '单位类别',
  leaderRank: '领导职级',
  terminalId: '终端ID',
  imei: 'IMEI',
  iccid: 'ICCID',
};

/** Columns that every file must have and every row must fill. */
export const requiredFields: readonly RegistryField[] = ['unit', 'plate', 'vehicleType', 'usageNature', 'terminalPhone'];

/** One data row of a registry file; `rowNumber` is the row as the spreadsheet shows it (header = row 1). */
export interface RegistryRow {
  rowNumber: number;
  values: Partial<Record<RegistryField, string>>;
  /** Non-empty cells to the right of the header's last column, by spreadsheet column letter. */
  beyondHeader?: { column: string; value: string }[];
}

/** Returns the spreadsheet letter of a zero-based column index: A, B, …, Z, AA, … */
export function columnLetter(index: number): string {
  let letter = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letter = String.fromCharCode(65 + ((n - 1) % 26)) + letter;
  return letter;
}

// Headings are matched without spaces, asterisks (required-column marks) and case.
const normaliseHeading = (heading: string) => heading.replace(/[\s*＊]/g, '').toLowerCase();

const headingLookup = new Map<string, RegistryField>();
for (const field of registryFields) {
  headingLookup.set(normaliseHeading(fieldHeadings[field]), field);
  headingLookup.set(normaliseHeading(field), field);
}
headingLookup.set(normaliseHeading('车牌号码'), 'plate');
headingLookup.set(normaliseHeading('category'), 'unitCategory');

const isPlateHeading = (cell: string) => headingLookup.get(normaliseHeading(cell)) === 'plate';

/**
 * Builds rows from a table of cell texts. The header is the first of the first 10 rows with a
 * plate heading (so a title row above it is skipped), else the first non-empty row.
 */
export function rowsFromTable(table: { rowNumber: number; cells: string[] }[], source: string, format: RegistryFileFormat): RegistryRow[] {
  const header =
    table.slice(0, 10).find((row) => row.cells.some(isPlateHeading)) ?? table.find((row) => row.cells.some((cell) => cell.trim() !== ''));
  if (!header) throw invalid(`${source} contains no rows; expected a header row with 单位名称, 车牌号, …`, source);

  const columns = new Map<number, RegistryField>();
  header.cells.forEach((cell, index) => {
    const field = headingLookup.get(normaliseHeading(cell));
    if (!field) return;
    if ([...columns.values()].includes(field)) {
      throw invalid(`${source}: column ${fieldHeadings[field]} appears twice in the header (row ${header.rowNumber})`, cell);
    }
    columns.set(index, field);
  });
  const missing = requiredFields.filter((field) => ![...columns.values()].includes(field));
  if (missing.length > 0) {
    const names = missing.map((field) => `${fieldHeadings[field]} (${field})`).join(', ');
    throw invalid(`${source}: header row ${header.rowNumber} lacks the columns ${names}`, header.cells);
  }

  const rows: RegistryRow[] = [];
  for (const row of table) {
    if (row.rowNumber <= header.rowNumber || row.cells.every((cell) => cell.trim() === '')) continue;
    const values: RegistryRow['values'] = {};
    for (const [index, field] of columns) {
      const text = (row.cells[index] ?? '').trim();
      if (text !== '') values[field] = text;
    }
    // Only CSV: there a value beyond the header is a shifted row. A workbook may hold notes beside the table.
    const beyondHeader = format === 'xlsx' ? [] : row.cells
      .map((cell, index) => ({ column: columnLetter(index), value: cell.trim(), index }))
      .filter((cell) => cell.index >= header.cells.length && cell.value !== '')
      .map(({ column, value }) => ({ column, value }));
    rows.push({ rowNumber: row.rowNumber, values, ...(beyondHeader.length > 0 && { beyondHeader }) });
  }
  return rows;
}

/** Decodes CSV bytes: UTF-8 with or without BOM, else GB18030 (which covers GBK) when the bytes are not valid UTF-8. */
export function decodeCsv(bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return iconv.decode(body, 'gb18030');
  }
}

/** Splits CSV text (RFC 4180: commas, double-quoted fields with "" escapes, CRLF or LF) into numbered rows. */
export function parseCsv(text: string): { rowNumber: number; cells: string[] }[] {
  const rows: { rowNumber: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    cells.push(cell);
    rows.push({ rowNumber: rows.length + 1, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') {
        cell += ch;
      } else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else {
        quoted = false;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') {
      endRow();
    } else if (ch !== '\r') {
      cell += ch;
    }
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** File formats of a registration form. */
export const registryFileFormats = ['csv', 'xlsx'] as const;
export type RegistryFileFormat = (typeof registryFileFormats)[number];

async function readXlsxTable(content: Buffer, source: string): Promise<{ rowNumber: number; cells: string[] }[]> {
  const workbook = await loadWorkbook(content, source);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw invalid(`${source} contains no worksheet`, source);
  const table: { rowNumber: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(row.getCell(column).text ?? '');
    table.push({ rowNumber, cells });
  });
  return table;
}

/** Reads a registration form from a .csv or .xlsx file (first worksheet) into rows. */
export async function readRegistryFile(file: string): Promise<RegistryRow[]> {
  const extension = path.extname(file).toLowerCase();
  const source = path.basename(file);
  if (extension === '.csv') return rowsFromTable(parseCsv(decodeCsv(await readInputFile(file))), source, 'csv');
  if (extension === '.xlsx') return rowsFromTable(await readXlsxTable(await readInputFile(file), source), source, 'xlsx');
  throw invalid(`Unsupported registry file type "${extension || '(none)'}": use .csv or .xlsx`, file);
}

/** Reads a registration form from the bytes of an uploaded file. `source` names the file in errors. */
export async function readRegistryBytes(bytes: Buffer, format: RegistryFileFormat, source: string): Promise<RegistryRow[]> {
  if (format === 'csv') return rowsFromTable(parseCsv(decodeCsv(bytes)), source, 'csv');
  return rowsFromTable(await readXlsxTable(bytes, source), source, 'xlsx');
}
