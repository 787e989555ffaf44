import type { ReplyLetter, LetterVehicle } from '../reply-letter.ts';
import { docxBuffer, table, text } from './docx-common.ts';

export const letterHeaders = ['序号', '车牌号', '品牌型号', '车辆类型', '使用性质'];
export const letterExemptHeaders = [...letterHeaders, '暂不安装原因'];

export const letterRow = (v: LetterVehicle, i: number) => [String(i + 1), v.plate, v.brandModel ?? '', v.vehicleType ?? '', v.usageNature ?? ''];
export const letterExemptRow = (v: LetterVehicle, i: number) => [...letterRow(v, i), v.exemptReason ?? ''];

/** Lays out a reply letter as an official letter (函): organ, number, title, addressee, body with both lists, closing, seal and date. */
export async function letterDocx(letter: ReplyLetter): Promise<Buffer> {
  return docxBuffer([
    text(letter.issuingOrgan, { bold: true, size: 26, align: 'center', title: true }),
    text(letter.documentNumber, { align: 'center' }),
    text(''),
    text(letter.title, { bold: true, size: 22, align: 'center', title: true }),
    text(''),
    text(letter.addressee),
    text(letter.opening, { indent: true }),
    text(letter.installIntro, { indent: true, bold: true }),
    table(letterHeaders, letter.install.map(letterRow)),
    text(letter.exemptIntro, { indent: true, bold: true }),
    table(letterExemptHeaders, letter.exempt.map(letterExemptRow)),
    text(letter.requirements, { indent: true }),
    text(letter.closing, { indent: true }),
    text(''),
    text(letter.sealText, { align: 'right' }),
    text(letter.issuingOrgan, { align: 'right' }),
    text(letter.dateText, { align: 'right' }),
  ]);
}
