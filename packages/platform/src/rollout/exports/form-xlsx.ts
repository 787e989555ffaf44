import ExcelJS from 'exceljs';
import type { FormDetail, FormLine } from '../forms.ts';
import type { Review } from '../exemption-review.ts';
import * as t from './form-text.ts';

type Sheet = ExcelJS.Worksheet;
const thin: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
const columnWidths = [8, 20, 14, 14, 16, 22, 16];

function mergedRow(sheet: Sheet, text: string, options: { bold?: boolean; size?: number; height?: number } = {}): ExcelJS.Row {
  const row = sheet.addRow([text]);
  sheet.mergeCells(row.number, 1, row.number, 7);
  row.getCell(1).font = { name: '宋体', bold: options.bold ?? false, size: options.size ?? 11 };
  row.getCell(1).alignment = { vertical: 'middle', wrapText: true, horizontal: options.size ? 'center' : 'left' };
  if (options.height) row.height = options.height;
  return row;
}

function pairRow(sheet: Sheet, pairs: [string, string][]): void {
  const values = pairs.length === 1 ? [pairs[0]![0], pairs[0]![1]] : [pairs[0]![0], pairs[0]![1], '', pairs[1]![0], pairs[1]![1]];
  const row = sheet.addRow(values);
  if (pairs.length === 1) sheet.mergeCells(row.number, 2, row.number, 7);
  else {
    sheet.mergeCells(row.number, 2, row.number, 3);
    sheet.mergeCells(row.number, 5, row.number, 7);
  }
  row.eachCell({ includeEmpty: true }, (cell) => (cell.border = thin));
}

function tableRows(sheet: Sheet, headers: string[], lines: FormLine[], exempt: boolean): void {
  const header = sheet.addRow(headers);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.border = thin;
    cell.alignment = { horizontal: 'center' };
  });
  lines.forEach((line, index) => {
    const values = [index + 1, line.brandModel ?? '', line.plate, line.vehicleType ?? '', line.usageNature ?? ''];
    const row = sheet.addRow(exempt ? [...values, line.exemptReason ?? '', line.remarks ?? ''] : [...values, line.remarks ?? '']);
    row.eachCell({ includeEmpty: true }, (cell, column) => column <= headers.length && (cell.border = thin));
  });
}

function header(sheet: Sheet, attachment: string, title: string, form: FormDetail): void {
  sheet.columns = columnWidths.map((width) => ({ width }));
  mergedRow(sheet, attachment, { bold: true });
  mergedRow(sheet, title, { bold: true, size: 16, height: 36 });
  mergedRow(sheet, `填报单位（盖章）：${form.unit.name}        填报日期：${t.formDate(form.filledOn)}`);
  mergedRow(sheet, t.sectionBasic, { bold: true });
  pairRow(sheet, [['单位名称', form.unit.name], ['单位级别', form.unit.level ?? '']]);
  pairRow(sheet, [['单位性质', form.unit.nature ?? ''], ['组织机构代码', form.unit.organisationCode ?? '']]);
  pairRow(sheet, [['单位地址', form.unit.address ?? '']]);
  mergedRow(sheet, t.sectionCounts, { bold: true });
  pairRow(sheet, [['公务用车编制数', String(form.vehicleQuota ?? '')], ['公务用车实有数', String(form.actualCount ?? '')]]);
}

function footer(sheet: Sheet, form: FormDetail, reviews: Review[]): void {
  const latest = (stage: string) => reviews.filter((r) => r.round === form.round && r.stage === stage).at(-1);
  const opinions = [t.opinionText(t.preliminaryLabel, latest('preliminary')), t.opinionText(t.bureauLabel, latest('bureau'))];
  if (latest('secrecy')) opinions.push(t.opinionText(t.secrecyLabel, latest('secrecy')));
  for (const opinion of opinions) {
    mergedRow(sheet, `${opinion.label}${opinion.text}\n${opinion.seal}\n${opinion.date}`, { height: 70 });
  }
  mergedRow(sheet, `填报人：${form.staffName ?? ''}        联系电话：${form.staffPhone ?? ''}`);
  for (const note of t.fillingNotes) mergedRow(sheet, note);
}

async function toBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Lays out a registration form (附件1) as one worksheet: basic data, counts, both vehicle lists, opinions and the filling notes. */
export async function registrationXlsx(form: FormDetail, reviews: Review[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('附件1 登记表', { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  header(sheet, '附件1', t.registrationTitle, form);
  mergedRow(sheet, t.sectionInstall, { bold: true });
  tableRows(sheet, t.installHeaders, form.install, false);
  mergedRow(sheet, t.sectionExempt, { bold: true });
  tableRows(sheet, t.exemptHeaders, form.exempt, true);
  footer(sheet, form, reviews);
  return toBuffer(workbook);
}

/** Lays out an exemption application (附件2): the exempt vehicles with reasons and the review opinions. */
export async function exemptionXlsx(form: FormDetail, reviews: Review[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('附件2 暂不安装审批表', { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  header(sheet, '附件2', t.exemptionTitle, form);
  mergedRow(sheet, t.sectionExemptOnly, { bold: true });
  tableRows(sheet, t.exemptHeaders, form.exempt, true);
  footer(sheet, form, reviews);
  return toBuffer(workbook);
}
