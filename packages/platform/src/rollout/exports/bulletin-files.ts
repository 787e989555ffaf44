import ExcelJS from 'exceljs';
import type { Bulletin, BulletinRow } from '../bulletins.ts';
import type { InspectionRow } from '../inspections.ts';
import { docxBuffer, table, text } from './docx-common.ts';

const phaseNames: Record<string, string> = { registration: '统计填报', review: '审核批复', installation: '实施安装', acceptance: '检查验收', data_security: '数据安全及运行测试' };
const testResults: Record<string, string> = { passed: '通过', failed: '未通过' };
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

export const installationHeaders = ['序号', '单位名称', '应装数', '已装数', '已验收', '暂不安装数', '未装数', '在线率', '数据安全及运行测试', '逾期环节'];
export const inspectionHeaders = ['序号', '单位名称', '安装覆盖率', '在线率', '拆除/屏蔽告警', '未处理告警', '得分'];

function tableRows(bulletin: Bulletin): { headers: string[]; rows: (string | number)[][] } {
  if (bulletin.kind === 'inspection') {
    const rows = (bulletin.rows as InspectionRow[]).map((r, i) => [i + 1, r.unitName, percent(r.coverage), percent(r.onlineRate), r.tamperAlerts, r.unansweredAlerts, r.score]);
    return { headers: inspectionHeaders, rows };
  }
  const rows = (bulletin.rows as BulletinRow[]).map((r, i) => [
    i + 1,
    r.unitName,
    r.shouldEquip,
    r.installed,
    r.accepted ? '是' : '否',
    r.exempt,
    r.missing,
    percent(r.onlineRate),
    // Rows of bulletins stored before this column existed have no dataSecurityTest.
    testResults[r.dataSecurityTest ?? ''] ?? '未测试',
    r.overduePhases.map((p) => phaseNames[p] ?? p).join('、'),
  ]);
  return { headers: installationHeaders, rows };
}

function generatedText(bulletin: Bulletin): string {
  const local = new Date(Date.parse(bulletin.generatedAt) + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16);
  return `生成时间：${local}（北京时间）`;
}

/** Writes a bulletin as one worksheet: title, generation time, one row per unit. */
export async function bulletinXlsx(bulletin: Bulletin): Promise<Buffer> {
  const { headers, rows } = tableRows(bulletin);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('通报');
  sheet.columns = headers.map((h, i) => ({ width: i === 1 ? 30 : Math.max(10, h.length * 2 + 4) }));
  sheet.addRow([bulletin.title]).getCell(1).font = { bold: true, size: 16 };
  sheet.mergeCells(1, 1, 1, headers.length);
  sheet.addRow([generatedText(bulletin)]);
  sheet.mergeCells(2, 1, 2, headers.length);
  const header = sheet.addRow(headers);
  header.eachCell((cell) => (cell.font = { bold: true }));
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Writes a bulletin as a printable landscape document. */
export async function bulletinDocx(bulletin: Bulletin, issuingOrgan: string): Promise<Buffer> {
  const { headers, rows } = tableRows(bulletin);
  return docxBuffer(
    [
      text(bulletin.title, { bold: true, size: 20, align: 'center', title: true }),
      text(generatedText(bulletin), { size: 12, align: 'center' }),
      table(headers, rows.map((row) => row.map(String))),
      text(''),
      text(issuingOrgan, { align: 'right' }),
    ],
    { landscape: true },
  );
}
