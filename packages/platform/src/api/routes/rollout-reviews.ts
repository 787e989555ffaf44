import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { idParams } from '../schemas.ts';
import { listForms, type FormDetail } from '../../rollout/forms.ts';
import { listReviews, pendingStages, recordReview, reviewInput } from '../../rollout/exemption-review.ts';
import { getLetter, issueLetter, listLetters } from '../../rollout/reply-letter.ts';
import { letterDocx } from '../../rollout/exports/letter-docx.ts';
import { letterPdf } from '../../rollout/exports/letter-pdf.ts';
import { exemptionDocx } from '../../rollout/exports/form-docx.ts';
import { exemptionXlsx } from '../../rollout/exports/form-xlsx.ts';
import { assertInScope } from '../access.ts';
import { audit, formInScope, responses, scopeFilter, sendFile, userWith } from './rollout-common.ts';

const tags = ['rollout'];
const listQuery = z.object({ batchId: z.coerce.number().int().positive().optional() });

/** The exemption application (附件2) part of a form: what the Secrecy Bureau sees. */
function exemptionView(form: FormDetail) {
  const { install: _install, ...rest } = form;
  return rest;
}

/** Reviews of forms, the exemption applications for the Secrecy Bureau, and reply letters. */
export async function rolloutReviewRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.post('/api/rollout/forms/:id/reviews', { schema: { tags, summary: 'Give the preliminary, bureau or secrecy opinion on a submitted form', params: idParams, body: reviewInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'forms.review');
    // The Secrecy Bureau and the bureau see every unit; a supervisor only its subtree (404 otherwise).
    await formInScope(store, request, request.params.id, 'forms.review');
    const { review, form } = await recordReview(db, user, request.params.id, request.body);
    audit(store, request, AUDIT_ACTIONS.reviewRecorded, 'form', form.id, { stage: review.stage, decision: review.decision, round: review.round, rejectedVehicleIds: review.rejectedVehicleIds, state: form.state });
    return reply.status(201).send({ review, state: form.state, pending: pendingStages(form, await listReviews(db, form.id)) });
  });

  app.get('/api/rollout/exemptions', { schema: { tags, summary: 'List exemption applications (forms with exempt vehicles)', querystring: listQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'exemptions.read');
    const unitIds = await scopeFilter(store, user);
    const forms = await listForms(db, { ...(request.query.batchId !== undefined && { batchId: request.query.batchId }), ...(unitIds && { unitIds }) });
    const submitted = forms.filter((form) => form.state !== 'draft' && (form.exempt.length > 0 || form.install.some((l) => l.rejectedByReviewId !== null)));
    return { items: await Promise.all(submitted.map(async (form) => ({ ...exemptionView(form), reviews: await listReviews(db, form.id) }))) };
  });

  app.get('/api/rollout/exemptions/:id', { schema: { tags, summary: 'Get the exemption application of a form', params: idParams, response: responses } }, async (request) => {
    const form = await formInScope(store, request, request.params.id, 'exemptions.read');
    return { ...exemptionView(form), reviews: await listReviews(db, form.id) };
  });

  app.get('/api/rollout/exemptions/:id/file.:format', { schema: { tags, summary: 'Download the exemption application (附件2) as XLSX or DOCX', params: idParams.extend({ format: z.enum(['xlsx', 'docx']) }) } }, async (request, reply) => {
    const form = await formInScope(store, request, request.params.id, 'exemptions.read');
    const reviews = await listReviews(db, form.id);
    const content = request.params.format === 'xlsx' ? await exemptionXlsx(form, reviews) : await exemptionDocx(form, reviews);
    return sendFile(reply, content, `${form.unit.name}暂不安装审批表.${request.params.format}`, request.params.format);
  });

  app.post('/api/rollout/forms/:id/letter', { schema: { tags, summary: 'Issue the reply letter (函复) of a reviewed form', params: idParams, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    const letter = await issueLetter(db, request.params.id, user.id);
    audit(store, request, AUDIT_ACTIONS.letterIssued, 'letter', letter.id, { formId: letter.formId, unitId: letter.unitId, documentNumber: letter.documentNumber, install: letter.install.length, exempt: letter.exempt.length });
    return reply.status(201).send(letter);
  });

  app.get('/api/rollout/letters', { schema: { tags, summary: 'List issued reply letters in the user\'s scope', querystring: listQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const unitIds = await scopeFilter(store, user);
    return { items: await listLetters(db, { ...(request.query.batchId !== undefined && { batchId: request.query.batchId }), ...(unitIds && { unitIds }) }) };
  });

  app.get('/api/rollout/letters/:id', { schema: { tags, summary: 'Get a reply letter', params: idParams, response: responses } }, async (request) => {
    userWith(request, 'forms.read');
    const letter = await getLetter(db, request.params.id);
    await assertInScope(store, request, { kind: 'Reply letter', id: letter.id, unitId: letter.unitId });
    return letter;
  });

  app.get('/api/rollout/letters/:id/file.:format', { schema: { tags, summary: 'Download a reply letter as DOCX or PDF', params: idParams.extend({ format: z.enum(['docx', 'pdf']) }) } }, async (request, reply) => {
    userWith(request, 'forms.read');
    const letter = await getLetter(db, request.params.id);
    await assertInScope(store, request, { kind: 'Reply letter', id: letter.id, unitId: letter.unitId });
    const content = request.params.format === 'pdf' ? await letterPdf(letter) : await letterDocx(letter);
    return sendFile(reply, content, `${letter.documentNumber}.${request.params.format}`, request.params.format);
  });
}
