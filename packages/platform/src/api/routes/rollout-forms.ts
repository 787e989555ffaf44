import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AppError } from '../../errors.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { idParams } from '../schemas.ts';
import { assertInScope } from '../access.ts';
import { createForm, findForm, formBody, formCreate, listForms, updateForm } from '../../rollout/forms.ts';
import { submitForm, validateForm } from '../../rollout/form-validation.ts';
import { listReviews } from '../../rollout/exemption-review.ts';
import { parseRegistrationXlsx } from '../../rollout/exports/form-import.ts';
import { registrationXlsx, exemptionXlsx } from '../../rollout/exports/form-xlsx.ts';
import { registrationDocx, exemptionDocx } from '../../rollout/exports/form-docx.ts';
import { audit, formInScope, responses, scopeFilter, sendFile, userWith } from './rollout-common.ts';

const tags = ['rollout'];
const listQuery = z.object({ batchId: z.coerce.number().int().positive().optional() });
const importBody = z.object({ unitId: z.number().int().positive(), batchId: z.number().int().positive(), contentBase64: z.string().min(1).max(1_300_000) });
const exportParams = idParams.extend({ kind: z.enum(['registration', 'exemption']), format: z.enum(['xlsx', 'docx']) });

const exporters = {
  registration: { xlsx: registrationXlsx, docx: registrationDocx, name: '登记表' },
  exemption: { xlsx: exemptionXlsx, docx: exemptionDocx, name: '暂不安装审批表' },
};

/** Registration forms (附件1): draft, validate, submit, import and export. */
export async function rolloutFormRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.get('/api/rollout/forms', { schema: { tags, summary: 'List registration forms in the user\'s scope', querystring: listQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const unitIds = await scopeFilter(store, user);
    return { items: await listForms(db, { ...(request.query.batchId !== undefined && { batchId: request.query.batchId }), ...(unitIds && { unitIds }) }) };
  });

  app.post('/api/rollout/forms', { schema: { tags, summary: 'Create a unit\'s draft registration form for a batch', body: formCreate, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'forms.write');
    await assertInScope(store, request, { kind: 'Unit', id: request.body.unitId, unitId: request.body.unitId });
    const form = await createForm(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.formCreated, 'form', form.id, { unitId: form.unitId, batchId: form.batchId, install: form.install.length, exempt: form.exempt.length });
    return reply.status(201).send(form);
  });

  app.get('/api/rollout/forms/:id', { schema: { tags, summary: 'Get a registration form with its reviews', params: idParams, response: responses } }, async (request) => {
    const form = await formInScope(store, request, request.params.id, 'forms.read');
    return { ...form, reviews: await listReviews(db, form.id) };
  });

  app.put('/api/rollout/forms/:id', { schema: { tags, summary: 'Replace a draft form\'s fields and vehicle lists', params: idParams, body: formBody, response: responses } }, async (request) => {
    await formInScope(store, request, request.params.id, 'forms.write');
    const form = await updateForm(db, request.params.id, request.body);
    audit(store, request, AUDIT_ACTIONS.formUpdated, 'form', form.id, { install: form.install.length, exempt: form.exempt.length });
    return form;
  });

  app.post('/api/rollout/forms/:id/validate', { schema: { tags, summary: 'List what keeps the form from being submitted', params: idParams, response: responses } }, async (request) => {
    const form = await formInScope(store, request, request.params.id, 'forms.read');
    const problems = await validateForm(db, form);
    return { ok: problems.length === 0, problems };
  });

  app.post('/api/rollout/forms/:id/submit', { schema: { tags, summary: 'Submit a complete form for review', params: idParams, response: responses } }, async (request) => {
    await formInScope(store, request, request.params.id, 'forms.write');
    const form = await submitForm(db, request.params.id);
    audit(store, request, AUDIT_ACTIONS.formSubmitted, 'form', form.id, { round: form.round, install: form.install.map((l) => l.plate), exempt: form.exempt.map((l) => l.plate) });
    return form;
  });

  app.post('/api/rollout/forms/import', { schema: { tags, summary: 'Import a filled 附件1 XLSX (base64) into the unit\'s draft form', body: importBody, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.write');
    const { unitId, batchId } = request.body;
    await assertInScope(store, request, { kind: 'Unit', id: unitId, unitId });
    const { body, errors } = await parseRegistrationXlsx(Buffer.from(request.body.contentBase64, 'base64'));
    if (errors.length > 0) throw new AppError('GONGCHE_ERR_IMPORT_ROWS', 400, `The workbook has ${errors.length} bad row(s); nothing was imported`, { details: errors });
    const existing = await findForm(db, unitId, batchId);
    const form = existing ? await updateForm(db, existing.id, { ...existing, ...withoutNull(body), install: body.install, exempt: body.exempt }) : await createForm(db, { ...body, unitId, batchId }, user.id);
    audit(store, request, AUDIT_ACTIONS.formImported, 'form', form.id, { unitId, batchId, install: form.install.length, exempt: form.exempt.length });
    return form;
  });

  app.get('/api/rollout/forms/:id/:kind/file.:format', { schema: { tags, summary: 'Download the form as 附件1 (registration) or 附件2 (exemption), XLSX or DOCX', params: exportParams } }, async (request, reply) => {
    const form = await formInScope(store, request, request.params.id, 'forms.read');
    const exporter = exporters[request.params.kind];
    const content = await exporter[request.params.format](form, await listReviews(db, form.id));
    return sendFile(reply, content, `${form.unit.name}${exporter.name}.${request.params.format}`, request.params.format);
  });
}

function withoutNull<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
