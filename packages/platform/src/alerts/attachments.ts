import { createHash } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { requireKeyring } from '../crypto/setup.ts';
import { AppError, invalid, notFound } from '../errors.ts';

/** Largest attachment, in bytes: a few scanned pages or photos. */
export const maxAttachmentBytes = 10 * 1024 * 1024;

/** Accepted attachment types (a scanned letter, a photo, a document), detected by their first bytes. */
export const attachmentTypes = [
  { mediaType: 'application/pdf', extensions: ['pdf'], magic: Buffer.from('%PDF-') },
  { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'], magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { mediaType: 'image/png', extensions: ['png'], magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], magic: Buffer.from([0x50, 0x4b, 0x03, 0x04]) },
] as const;

const acceptedList = 'PDF, JPEG, PNG or DOCX';

export interface AttachmentView {
  id: number;
  alertId: number;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: number;
  uploadedAt: string;
}

const attachmentAad = (alertId: number, sha256: string) => `alert_attachments|${alertId}|${sha256}`;

export const attachmentTooLarge = (size: number | null) =>
  new AppError(
    'GONGCHE_ERR_ATTACHMENT_TOO_LARGE',
    413,
    `An attachment may have at most ${maxAttachmentBytes} bytes${size === null ? '' : `, got ${size}`}; scan at a lower resolution or split the file`,
    { value: size ?? undefined },
  );

/** Returns the file name without any folder part or control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base.replace(/\p{Cc}/gu, '').trim()].slice(-200).join('');
  if (cleaned === '' || cleaned === '.' || cleaned === '..') throw invalid(`Invalid attachment file name ${JSON.stringify(name)}: send the file's own name, e.g. 情况说明.pdf`, name);
  return cleaned;
}

/**
 * Returns the media type of an acceptable attachment. Rejects an empty or oversized file, a type
 * that is not accepted, a declared media type that the content contradicts, and a file name
 * whose extension does not match the content.
 */
export function checkAttachment(fileName: string, declaredType: string, content: Buffer): string {
  if (content.length > maxAttachmentBytes) throw attachmentTooLarge(content.length);
  if (content.length === 0) throw invalid(`The attachment ${fileName} is empty`, 0);
  const detected = attachmentTypes.find((t) => content.subarray(0, t.magic.length).equals(t.magic));
  if (!detected) {
    throw new AppError('GONGCHE_ERR_ATTACHMENT_TYPE', 415, `The attachment ${fileName} is not a ${acceptedList} file; convert it to one of these formats`, { value: declaredType });
  }
  const declared = declaredType.split(';')[0]!.trim().toLowerCase();
  if (declared !== detected.mediaType && declared !== 'application/octet-stream') {
    throw new AppError('GONGCHE_ERR_ATTACHMENT_TYPE', 415, `The attachment ${fileName} was sent as ${declared} but its content is ${detected.mediaType}`, { value: declared });
  }
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (!(detected.extensions as readonly string[]).includes(extension)) {
    throw new AppError('GONGCHE_ERR_ATTACHMENT_TYPE', 415, `The file name ${fileName} does not match its content (${detected.mediaType}); name it .${detected.extensions[0]}`, { value: fileName });
  }
  return detected.mediaType;
}

function toView(row: { id: number; alert_id: number; file_name: string; media_type: string; size: number; sha256: string; uploaded_by: number; uploaded_at: number }): AttachmentView {
  return {
    id: row.id,
    alertId: row.alert_id,
    fileName: row.file_name,
    mediaType: row.media_type,
    size: row.size,
    sha256: row.sha256,
    uploadedBy: row.uploaded_by,
    uploadedAt: new Date(row.uploaded_at).toISOString(),
  };
}

/** Checks and stores an attachment of an alert, sealed under the store's data keys. */
export async function storeAttachment(
  store: Store,
  input: { alertId: number; fileName: string; declaredType: string; content: Buffer; userId: number; now: number },
): Promise<AttachmentView> {
  const fileName = cleanFileName(input.fileName);
  const mediaType = checkAttachment(fileName, input.declaredType, input.content);
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const sealed = requireKeyring(store).sealer(input.now).seal(input.content, attachmentAad(input.alertId, sha256));
  const row = await store.db
    .insertInto('alert_attachments')
    .values({ alert_id: input.alertId, file_name: fileName, media_type: mediaType, size: input.content.length, sha256, sealed, uploaded_by: input.userId, uploaded_at: input.now })
    .returning(['id', 'alert_id', 'file_name', 'media_type', 'size', 'sha256', 'uploaded_by', 'uploaded_at'])
    .executeTakeFirstOrThrow();
  return toView(row);
}

export async function listAttachments(store: Store, alertId: number): Promise<AttachmentView[]> {
  const rows = await store.db
    .selectFrom('alert_attachments')
    .select(['id', 'alert_id', 'file_name', 'media_type', 'size', 'sha256', 'uploaded_by', 'uploaded_at'])
    .where('alert_id', '=', alertId)
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

/** Opens an attachment of an alert and checks its SHA-256; 404 when the alert has no such attachment. */
export async function readAttachment(store: Store, alertId: number, attachmentId: number): Promise<AttachmentView & { content: Buffer }> {
  const row = await store.db.selectFrom('alert_attachments').selectAll().where('id', '=', attachmentId).where('alert_id', '=', alertId).executeTakeFirst();
  if (!row) throw notFound(`Attachment of alert ${alertId}`, attachmentId);
  const content = requireKeyring(store).open(row.sealed, attachmentAad(row.alert_id, row.sha256), `attachment ${row.id}`);
  if (createHash('sha256').update(content).digest('hex') !== row.sha256) {
    throw new AppError('GONGCHE_ERR_DECRYPT_FAILED', 500, `Stored attachment ${row.id} does not match its SHA-256`, { value: row.id });
  }
  return { ...toView(row), content };
}
