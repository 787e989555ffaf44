import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { dateSchema } from './batches.ts';

/** Largest uploaded contract file, in bytes (the API body limit is 1 MiB, and base64 adds a third). */
export const maxContractBytes = 700 * 1024;

/** Accepted contract file types (a signed scan or the text), detected by their first bytes. */
const contractFileTypes = [
  { type: 'application/pdf', extensions: ['pdf'], magic: Buffer.from('%PDF-') },
  { type: 'image/jpeg', extensions: ['jpg', 'jpeg'], magic: Buffer.from([0xff, 0xd8, 0xff]) },
  { type: 'image/png', extensions: ['png'], magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], magic: Buffer.from([0x50, 0x4b, 0x03, 0x04]) },
] as const;

/** Returns the content type of a contract file from its first bytes, or null for a file of another type. */
export function contractContentType(content: Buffer): string | null {
  return contractFileTypes.find((t) => content.subarray(0, t.magic.length).equals(t.magic))?.type ?? null;
}

/** Rejects an empty, oversized or unaccepted file, or a file name whose extension does not match the content. */
function checkContractFile(fileName: string, content: Buffer): void {
  if (content.length === 0 || content.length > maxContractBytes) {
    throw new AppError('GONGCHE_ERR_CONTRACT_FILE_SIZE', 400, `The contract file must have 1 to ${maxContractBytes} bytes, got ${content.length}; scan at a lower resolution or split it`, { value: content.length });
  }
  const fileType = contractFileTypes.find((t) => content.subarray(0, t.magic.length).equals(t.magic));
  if (!fileType) {
    throw new AppError('GONGCHE_ERR_CONTRACT_FILE_TYPE', 400, `The contract file ${fileName} is not a PDF, JPEG, PNG or DOCX file; upload the signed contract in one of these formats`, { value: fileName });
  }
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (!(fileType.extensions as readonly string[]).includes(extension)) {
    throw new AppError('GONGCHE_ERR_CONTRACT_FILE_TYPE', 400, `The file name ${fileName} does not match its content (${fileType.type}); name it .${fileType.extensions[0]}`, { value: fileName });
  }
}

export const contractInput = z.object({
  /** installation: a unit's contract with the operator; confidentiality: the bureau's agreement with the operator. */
  kind: z.enum(['installation', 'confidentiality']),
  unitId: z.number().int().positive().nullish(),
  number: z.string().trim().min(2).max(60),
  signedOn: dateSchema,
  counterparty: z.string().trim().min(2).max(100),
  fileName: z.string().trim().min(1).max(120),
  /** The file in standard base64 (RFC 4648), without line breaks. */
  contentBase64: z.string().min(1).regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be standard base64 without line breaks'),
});
export type ContractInput = z.infer<typeof contractInput>;

export interface Contract {
  id: number;
  kind: string;
  unitId: number | null;
  number: string;
  signedOn: string;
  counterparty: string;
  fileName: string;
  fileSha256: string;
  fileBytes: number;
  contentType: string;
}

/** Records a contract with its file; an installation contract names its unit, a confidentiality agreement none. */
export async function recordContract(db: Kysely<Database>, input: ContractInput, userId: number | null): Promise<Contract> {
  const unitId = input.unitId ?? null;
  if (input.kind === 'installation' && unitId === null) throw invalid('An installation contract needs the unitId of the unit that signed it', input.unitId);
  if (input.kind === 'confidentiality' && unitId !== null) throw invalid('The confidentiality agreement is the bureau\'s own; send it without unitId', input.unitId);
  const content = Buffer.from(input.contentBase64, 'base64');
  checkContractFile(input.fileName, content);
  try {
    const row = await db
      .insertInto('rollout_contracts')
      .values({ kind: input.kind, unit_id: unitId, number: input.number, signed_on: input.signedOn, counterparty: input.counterparty, file_name: input.fileName, file_sha256: crypto.createHash('sha256').update(content).digest('hex'), file_content: content, created_by: userId, created_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await listContracts(db, {})).find((c) => c.id === row.id)!;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Contract number ${input.number} is already recorded`, input.number);
    throw error;
  }
}

export async function listContracts(db: Kysely<Database>, filter: { unitIds?: readonly number[] }): Promise<Contract[]> {
  const rows = await db
    .selectFrom('rollout_contracts')
    .select(['id', 'kind', 'unit_id', 'number', 'signed_on', 'counterparty', 'file_name', 'file_sha256', (eb) => eb.fn<number>('length', ['file_content']).as('bytes'), (eb) => eb.fn<Buffer>('substr', ['file_content', eb.val(1), eb.val(8)]).as('head')])
    .orderBy('id')
    .execute();
  return rows
    .filter((row) => filter.unitIds === undefined || (row.unit_id !== null && filter.unitIds.includes(row.unit_id)))
    .map((row) => ({ id: row.id, kind: row.kind, unitId: row.unit_id, number: row.number, signedOn: row.signed_on, counterparty: row.counterparty, fileName: row.file_name, fileSha256: row.file_sha256, fileBytes: Number(row.bytes), contentType: contractContentType(Buffer.from(row.head)) ?? 'application/octet-stream' }));
}

export async function contractFile(db: Kysely<Database>, id: number): Promise<{ unitId: number | null; fileName: string; contentType: string; content: Buffer }> {
  const row = await db.selectFrom('rollout_contracts').select(['unit_id', 'file_name', 'file_content']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Contract', id);
  return { unitId: row.unit_id, fileName: row.file_name, contentType: contractContentType(row.file_content) ?? 'application/octet-stream', content: row.file_content };
}
