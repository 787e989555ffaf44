import type { Content } from 'pdfmake/interfaces';
import type { ReplyLetter } from '../reply-letter.ts';
import { pdfBuffer } from './pdf.ts';
import { letterExemptHeaders, letterExemptRow, letterHeaders, letterRow } from './letter-docx.ts';

function vehicleTable(headers: string[], rows: string[][]): Content {
  return { table: { headerRows: 1, widths: headers.map(() => '*'), body: [headers.map((h) => ({ text: h, bold: true })), ...rows] }, margin: [0, 4, 0, 8], fontSize: 10 };
}

/** Lays out a reply letter as a PDF in the same order as the DOCX. */
export async function letterPdf(letter: ReplyLetter): Promise<Buffer> {
  return pdfBuffer({
    info: { title: letter.title, author: letter.issuingOrgan },
    content: [
      { text: letter.issuingOrgan, fontSize: 22, color: '#c00000', alignment: 'center' },
      { text: letter.documentNumber, alignment: 'center', margin: [0, 6, 0, 18] },
      { text: letter.title, fontSize: 16, alignment: 'center', margin: [0, 0, 0, 12] },
      { text: letter.addressee },
      { text: letter.opening, leadingIndent: 24 },
      { text: letter.installIntro, leadingIndent: 24 },
      vehicleTable(letterHeaders, letter.install.map(letterRow)),
      { text: letter.exemptIntro, leadingIndent: 24 },
      vehicleTable(letterExemptHeaders, letter.exempt.map(letterExemptRow)),
      { text: letter.requirements, leadingIndent: 24 },
      { text: letter.closing, leadingIndent: 24, margin: [0, 0, 0, 24] },
      { text: letter.sealText, alignment: 'right' },
      { text: letter.issuingOrgan, alignment: 'right' },
      { text: letter.dateText, alignment: 'right' },
    ],
  });
}
