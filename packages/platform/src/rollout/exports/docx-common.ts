import { AlignmentType, BorderStyle, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';

/** Chinese official documents use 仿宋 for body text and 小标宋/黑体 for titles; Word substitutes where a font is missing. */
const bodyFont = { ascii: 'FangSong', eastAsia: '仿宋' };
const titleFont = { ascii: 'SimHei', eastAsia: '黑体' };

export function text(value: string, options: { bold?: boolean; size?: number; align?: 'left' | 'center' | 'right'; indent?: boolean; title?: boolean } = {}): Paragraph {
  const alignment = options.align === 'center' ? AlignmentType.CENTER : options.align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT;
  return new Paragraph({
    alignment,
    spacing: { line: 360 },
    ...(options.indent && { indent: { firstLine: 640 } }),
    children: [new TextRun({ text: value, bold: options.bold ?? false, size: (options.size ?? 16) * 2, font: options.title ? titleFont : bodyFont })],
  });
}

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

/** A bordered table with a bold header row; every cell is text. */
export function table(headers: string[], rows: string[][]): Table {
  const cell = (value: string, bold = false) =>
    new TableCell({ borders: { top: border, bottom: border, left: border, right: border }, children: [new Paragraph({ children: [new TextRun({ text: value, bold, size: 24, font: bodyFont })] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }), ...rows.map((row) => new TableRow({ children: row.map((value) => cell(value)) }))],
  });
}

/** Packs one A4 section into a .docx file. */
export async function docxBuffer(children: (Paragraph | Table)[], options: { landscape?: boolean } = {}): Promise<Buffer> {
  const page = options.landscape ? { size: { orientation: 'landscape' as const } } : {};
  const document = new Document({ sections: [{ properties: { page: { ...page, margin: { top: 1440, bottom: 1440, left: 1440, right: 1440 } } }, children }] });
  return Packer.toBuffer(document);
}
