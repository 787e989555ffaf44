import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { AppError, invalid } from './errors.ts';

/**
 * Reads a file that a user named on the command line. A missing file, a folder or an unreadable
 * file becomes an error with the path and what to check, in place of the system's error code.
 */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('GONGCHE_ERR_FILE_NOT_FOUND', 404, `File not found: ${file}; check the path and the current folder`, { value: file });
    if (code === 'EISDIR') throw invalid(`${file} is a folder; name the file inside it`, file);
    if (code === 'EACCES' || code === 'EPERM') throw new AppError('GONGCHE_ERR_FILE_UNREADABLE', 403, `Cannot read ${file}: permission denied`, { value: file });
    throw error;
  }
}

/**
 * Loads an .xlsx workbook from bytes. Bytes that are not a workbook (a .xls or .csv file renamed to
 * .xlsx, a damaged download) become GONGCHE_ERR_VALIDATION naming `source`, with the fix.
 */
export async function loadWorkbook(bytes: Buffer, source: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    // An .xlsx file is a ZIP archive; the library reports anything else by ZIP terms.
    const notZip = /central directory|zip/i.test((error as Error).message);
    const cause = notZip ? 'it is not an Excel .xlsx file (perhaps an older .xls, or a CSV file renamed)' : `it cannot be read (${(error as Error).message})`;
    throw invalid(`${source} is not a readable .xlsx workbook: ${cause}. Save it from Excel or WPS as "Excel 工作簿 (*.xlsx)", or as CSV`, source);
  }
  return workbook;
}
