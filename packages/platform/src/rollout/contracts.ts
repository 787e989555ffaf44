import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { dateSchema } from './batches.ts';

/** Largest uploaded contract file, in bytes (the API body limit is 1 MiB, and base64 adds a third). */
export const maxContractBytes = 700 * 1024;

export const contractInput = z.object({
  /** installation: a unit's contract with the operator; confidentiality: the bureau's agreement with the operator. */
  kind: z.enum(['installation', 'confidentiality']),
  unitId: z.number().int().positive().nullish(),
  number: z.string().trim().min(2).max(60),
  signedOn: dateSchema,
  counterparty: z.string().trim().min(2).max(100),
  fileName: z.string().trim().min(1).max(120),
  contentBase64: z.string().min(1),
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
}

/** Records a contract with its file; an installation contract names its unit, a confidentiality agreement none. */
export async function recordContract(db: Kysely<Database>, input: ContractInput, userId: number | null): Promise<Contract> {
  const unitId = input.unitId ?? null;
  if (input.kind === 'installation' && unitId === null) throw invalid('An installation contract needs the unitId of the unit that signed it', input.unitId);
  if (input.kind === 'confidentiality' && unitId !== null) throw invalid('The confidentiality agreement is the bureau\'s own; send it without unitId', input.unitId);
  const content = Buffer.from(input.contentBase64, 'base64');
  if (content.length === 0 || content.length > maxContractBytes) throw invalid(`The contract file must have 1 to ${maxContractBytes} bytes, got ${content.length}`, content.length);
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
  const rows = await db.selectFrom('rollout_contracts').select(['id', 'kind', 'unit_id', 'number', 'signed_on', 'counterparty', 'file_name', 'file_sha256', (eb) => eb.fn<number>('length', ['file_content']).as('bytes')]).orderBy('id').execute();
  return rows
    .filter((row) => filter.unitIds === undefined || (row.unit_id !== null && filter.unitIds.includes(row.unit_id)))
    .map((row) => ({ id: row.id, kind: row.kind, unitId: row.unit_id, number: row.number, signedOn: row.signed_on, counterparty: row.counterparty, fileName: row.file_name, fileSha256: row.file_sha256, fileBytes: Number(row.bytes) }));
}

export async function contractFile(db: Kysely<Database>, id: number): Promise<{ unitId: number | null; fileName: string; content: Buffer }> {
  const row = await db.selectFrom('rollout_contracts').select(['unit_id', 'file_name', 'file_content']).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Contract', id);
  return { unitId: row.unit_id, fileName: row.file_name, content: row.file_content };
}
