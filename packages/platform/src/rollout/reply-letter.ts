import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { conflict, notFound } from '../errors.ts';
import { assertFormState, getForm, type FormLine } from './forms.ts';
import { getBatch, beijingDate } from './batches.ts';
import { getRolloutSettings } from './settings.ts';

export interface LetterVehicle {
  vehicleId: number;
  plate: string;
  brandModel: string | null;
  vehicleType: string | null;
  usageNature: string | null;
  exemptReason: string | null;
}

/** A reply letter (函复) as issued; the DOCX and PDF are laid out from this. */
export interface ReplyLetter {
  id: number;
  formId: number;
  unitId: number;
  batchId: number;
  documentNumber: string;
  issuingOrgan: string;
  title: string;
  addressee: string;
  opening: string;
  installIntro: string;
  install: LetterVehicle[];
  exemptIntro: string;
  exempt: LetterVehicle[];
  requirements: string;
  closing: string;
  /** Date in Chinese, e.g. 2022年5月20日. */
  dateText: string;
  sealText: string;
  issuedAt: string;
}

type LetterContent = Omit<ReplyLetter, 'id' | 'formId' | 'unitId' | 'batchId' | 'documentNumber' | 'issuedAt'>;

/** Formats a UTC instant as a Beijing-time date in Chinese, e.g. 2022年5月20日. */
export function chineseDate(ms: number): string {
  const [year, month, day] = beijingDate(ms).split('-').map(Number);
  return `${year}年${month}月${day}日`;
}

const toLetterVehicle = (line: FormLine): LetterVehicle => ({
  vehicleId: line.vehicleId,
  plate: line.plate,
  brandModel: line.brandModel,
  vehicleType: line.vehicleType,
  usageNature: line.usageNature,
  exemptReason: line.exemptReason,
});

async function nextSerial(db: Kysely<Database>, year: number): Promise<number> {
  const row = await db.selectFrom('rollout_letters').select((eb) => eb.fn.max<number | null>('serial').as('last')).where('year', '=', year).executeTakeFirst();
  return (row?.last ?? 0) + 1;
}

/**
 * Issues the reply letter of a reviewed form with the next document number of the year, e.g.
 * 喀地机管函〔2022〕12号, and locks the form.
 */
export async function issueLetter(db: Kysely<Database>, formId: number, userId: number | null, now = Date.now()): Promise<ReplyLetter> {
  const form = await getForm(db, formId);
  const existing = await db.selectFrom('rollout_letters').select('id').where('form_id', '=', formId).executeTakeFirst();
  if (existing) throw conflict(`Form ${formId} already has reply letter ${existing.id}`, formId);
  assertFormState(form, ['reviewed'], 'issuing the reply letter');
  const settings = await getRolloutSettings(db);
  const batch = await getBatch(db, form.batchId);
  const year = Number(beijingDate(now).slice(0, 4));
  const serial = await nextSerial(db, year);
  const documentNumber = `${settings.letterNumberPrefix}〔${year}〕${serial}号`;
  const content: LetterContent = {
    issuingOrgan: settings.issuingOrgan,
    title: `关于${form.unit.name}公务用车安装智能终端设备登记审核情况的函`,
    addressee: `${form.unit.name}：`,
    opening: `你单位报送的《喀什地区党政机关事业单位公务用车安装智能终端设备登记表》（${batch.name}）收悉。经主管部门初审，我局会同地区保密局联合会审，现将审核结果函复如下：`,
    installIntro: `一、应当安装智能终端设备的公务用车（共${form.install.length}辆）`,
    install: form.install.map(toLetterVehicle),
    exemptIntro: `二、暂不安装智能终端设备的公务用车（共${form.exempt.length}辆）`,
    exempt: form.exempt.map(toLetterVehicle),
    requirements: '请你单位按照实施方案要求，与移动公司签订设备安装合同，按期完成安装调试，做到“应装尽装，不留死角”。',
    closing: '特此函复。',
    dateText: chineseDate(now),
    sealText: settings.sealText,
  };
  const row = await db
    .insertInto('rollout_letters')
    .values({ form_id: formId, unit_id: form.unitId, batch_id: form.batchId, year, serial, document_number: documentNumber, content: JSON.stringify(content), issued_by: userId, issued_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.updateTable('rollout_forms').set({ state: 'locked', locked_at: now, updated_at: now }).where('id', '=', formId).execute();
  return getLetter(db, row.id);
}

export async function getLetter(db: Kysely<Database>, id: number): Promise<ReplyLetter> {
  const row = await db.selectFrom('rollout_letters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Reply letter', id);
  const content = JSON.parse(row.content) as LetterContent;
  return { id: row.id, formId: row.form_id, unitId: row.unit_id, batchId: row.batch_id, documentNumber: row.document_number, issuedAt: new Date(row.issued_at).toISOString(), ...content };
}

/** Returns the reply letter of a unit in a batch, or null before it is issued. */
export async function findLetter(db: Kysely<Database>, unitId: number, batchId: number): Promise<ReplyLetter | null> {
  const row = await db.selectFrom('rollout_letters').select('id').where('unit_id', '=', unitId).where('batch_id', '=', batchId).executeTakeFirst();
  return row ? getLetter(db, row.id) : null;
}

/** A reply letter in a list: its document number and the sizes of its two vehicle lists. */
export interface LetterSummary {
  id: number;
  formId: number;
  unitId: number;
  batchId: number;
  documentNumber: string;
  installCount: number;
  exemptCount: number;
  issuedAt: string;
}

/** Lists issued reply letters, optionally of one batch or of some units only. */
export async function listLetters(db: Kysely<Database>, filter: { batchId?: number; unitIds?: readonly number[] }): Promise<LetterSummary[]> {
  let query = db.selectFrom('rollout_letters').select('id').orderBy('id');
  if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
  if (filter.unitIds !== undefined) query = query.where('unit_id', 'in', filter.unitIds.length > 0 ? [...filter.unitIds] : [-1]);
  const letters = await Promise.all((await query.execute()).map((row) => getLetter(db, row.id)));
  return letters.map((letter) => ({
    id: letter.id,
    formId: letter.formId,
    unitId: letter.unitId,
    batchId: letter.batchId,
    documentNumber: letter.documentNumber,
    installCount: letter.install.length,
    exemptCount: letter.exempt.length,
    issuedAt: letter.issuedAt,
  }));
}
