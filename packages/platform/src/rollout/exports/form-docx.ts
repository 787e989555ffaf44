import type { Paragraph, Table } from 'docx';
import type { FormDetail, FormLine } from '../forms.ts';
import type { Review } from '../exemption-review.ts';
import * as t from './form-text.ts';
import { docxBuffer, table, text } from './docx-common.ts';

const installRow = (line: FormLine, index: number) => [String(index + 1), line.brandModel ?? '', line.plate, line.vehicleType ?? '', line.usageNature ?? '', line.remarks ?? ''];
const exemptRow = (line: FormLine, index: number) => [String(index + 1), line.brandModel ?? '', line.plate, line.vehicleType ?? '', line.usageNature ?? '', line.exemptReason ?? '', line.remarks ?? ''];

function head(attachment: string, title: string, form: FormDetail): (Paragraph | Table)[] {
  return [
    text(attachment, { bold: true, title: true }),
    text(title, { bold: true, size: 18, align: 'center', title: true }),
    text(`填报单位（盖章）：${form.unit.name}    填报日期：${t.formDate(form.filledOn)}`, { size: 12 }),
    text(t.sectionBasic, { bold: true, size: 12 }),
    table(['单位名称', '单位级别', '单位性质', '组织机构代码', '单位地址'], [[form.unit.name, form.unit.level ?? '', form.unit.nature ?? '', form.unit.organisationCode ?? '', form.unit.address ?? '']]),
    text(t.sectionCounts, { bold: true, size: 12 }),
    table(['公务用车编制数', '公务用车实有数'], [[String(form.vehicleQuota ?? ''), String(form.actualCount ?? '')]]),
  ];
}

function tail(form: FormDetail, reviews: Review[]): Paragraph[] {
  const latest = (stage: string) => reviews.filter((r) => r.round === form.round && r.stage === stage).at(-1);
  const opinions = [t.opinionText(t.preliminaryLabel, latest('preliminary')), t.opinionText(t.bureauLabel, latest('bureau'))];
  if (latest('secrecy')) opinions.push(t.opinionText(t.secrecyLabel, latest('secrecy')));
  const paragraphs = opinions.flatMap((o) => [text(`${o.label}${o.text}`, { size: 12 }), text(o.seal, { size: 12, align: 'right' }), text(o.date, { size: 12, align: 'right' })]);
  return [...paragraphs, text(`填报人：${form.staffName ?? ''}    联系电话：${form.staffPhone ?? ''}`, { size: 12 }), ...t.fillingNotes.map((note) => text(note, { size: 10.5 }))];
}

/** Printable registration form (附件1). */
export async function registrationDocx(form: FormDetail, reviews: Review[]): Promise<Buffer> {
  return docxBuffer([
    ...head('附件1', t.registrationTitle, form),
    text(t.sectionInstall, { bold: true, size: 12 }),
    table(t.installHeaders, form.install.map(installRow)),
    text(t.sectionExempt, { bold: true, size: 12 }),
    table(t.exemptHeaders, form.exempt.map(exemptRow)),
    ...tail(form, reviews),
  ]);
}

/** Printable exemption application (附件2). */
export async function exemptionDocx(form: FormDetail, reviews: Review[]): Promise<Buffer> {
  return docxBuffer([...head('附件2', t.exemptionTitle, form), text(t.sectionExemptOnly, { bold: true, size: 12 }), table(t.exemptHeaders, form.exempt.map(exemptRow)), ...tail(form, reviews)]);
}
