import fs from 'node:fs';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { AppError } from '../../errors.ts';

/** WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei: a CJK font pdfmake can embed. */
export const cjkFontFile = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const family = 'WenQuanYiZenHei';
let configured = false;

function configure(): void {
  if (!fs.existsSync(cjkFontFile)) {
    throw new AppError('GONGCHE_ERR_PDF_FONT_MISSING', 500, `PDF generation needs the CJK font ${cjkFontFile}; install the Debian package fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei)`, { value: cjkFontFile });
  }
  if (configured) return;
  // pdfmake reads no URL and no local file except the font.
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((file: string) => file === cjkFontFile);
  const face = [cjkFontFile, family] as unknown as string;
  pdfmake.setFonts({ [family]: { normal: face, bold: face, italics: face, bolditalics: face } });
  configured = true;
}

/** Renders a pdfmake document with the CJK font as default. */
export async function pdfBuffer(definition: TDocumentDefinitions): Promise<Buffer> {
  configure();
  const document = pdfmake.createPdf({ pageSize: 'A4', pageMargins: [72, 72, 72, 72], ...definition, defaultStyle: { font: family, fontSize: 12, lineHeight: 1.4 } });
  return Buffer.from(await document.getBuffer());
}
