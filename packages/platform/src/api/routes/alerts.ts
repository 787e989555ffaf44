import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { Store } from '../../store/db.ts';
import type { User } from '../../security/users.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { assertCapability, assertInScope, auditLeadershipView, hasCapability, isLeadershipVehicle, positionFilter, statedReason, unitScope, type Capability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime, queryInstant } from '../schemas.ts';
import { ruleCodes } from '../../rules/rule-codes.ts';
import { findAlert, listedStates, severities, type AlertView } from '../../alerts/view.ts';
import { countAlerts, listAlerts, type AlertFilter } from '../../alerts/query.ts';
import { applyTransition, assertOwnUnit, listTransitions, reviewActions, reviewText, stateConflict, uploadStates, type ReviewAction } from '../../alerts/lifecycle.ts';
import { attachmentTooLarge, listAttachments, maxAttachmentBytes, readAttachment, storeAttachment } from '../../alerts/attachments.ts';
import { defaultEvidencePositionLimit, resolveEvidence } from '../../alerts/evidence.ts';

const tags = ['alerts'];
const maxAttachmentsPerAlert = 20;


/** A comma-separated list of words from a vocabulary, e.g. state=pending,explained. */
const wordList = <T extends string>(name: string, words: readonly T[]) =>
  z
    .string()
    .transform((text) => text.split(',').map((word) => word.trim()).filter((word) => word !== ''))
    .superRefine((list, ctx) => {
      for (const word of list) {
        if (!(words as readonly string[]).includes(word)) ctx.addIssue({ code: 'custom', message: `unknown ${name} ${word}; expected one of ${words.join(', ')}` });
      }
    })
    .describe(`Comma-separated list of: ${words.join(', ')}`);

const lateFilter = z.enum(['true', 'false']).transform((value) => value === 'true');

const filterQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  vehicleId: z.coerce.number().int().positive().optional(),
  rule: wordList('rule', ruleCodes).optional(),
  state: wordList('state', listedStates).optional().describe(`Comma-separated list of: ${listedStates.join(', ')}. Unset: every state but withdrawn`),
  severity: wordList('severity', severities).optional(),
  from: queryInstant('from').optional().describe('Alerts whose span ends at or after this time'),
  to: queryInstant('to').optional().describe('Alerts whose span starts before this time'),
  late: lateFilter.optional().describe('true: only alerts found on late (blind-area) data; false: only the others'),
  notReproduced: lateFilter.optional().describe('true: only alerts that a rules replay with the current settings no longer reproduced (withdrawn or flagged); false: only the others'),
});

const listQuery = filterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const alertOutput = z.object({
  id: z.number(),
  key: z.string(),
  rule: z.string(),
  ruleName: z.object({ zh: z.string(), en: z.string() }),
  negativeListItem: z.number().nullable().describe('Item 1 to 9 of the negative list; null for device integrity checks'),
  vehicleId: z.number(),
  plate: z.string(),
  unitId: z.number(),
  unitName: z.string(),
  terminalId: z.number().nullable(),
  start: isoTime,
  end: isoTime,
  severity: z.enum(severities),
  state: z.enum(listedStates).describe('Review state, or withdrawn: a pending alert that a rules replay no longer reproduced'),
  late: z.boolean().describe('Found on positions that arrived late (blind-area uploads)'),
  notReproduced: z
    .object({ at: isoTime, reason: z.string(), settingsRevision: z.string(), replayFrom: z.string(), replayTo: z.string(), replayedAt: z.string() })
    .nullable()
    .describe('Set while a rules replay no longer reproduces the alert; on a reviewed alert it flags the review for another look'),
  withdrawnAt: isoTime.nullable(),
  facts: z.record(z.string(), z.unknown()).describe('Facts that support the finding: durations (s), distances (m), place names, day type'),
  evidence: z.object({
    positionRange: z.object({ from: isoTime, to: isoTime }),
    positionIds: z.array(z.number()),
    rawFrameIds: z.array(z.number()),
    placeId: z.number().nullable(),
    tripOrderId: z.number().nullable(),
    orderAbsent: z.boolean(),
    tripId: z.number().nullable(),
  }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const transitionOutput = z.object({
  id: z.number(),
  from: z.string(),
  to: z.string(),
  actor: z.object({ userId: z.number(), username: z.string(), role: z.string() }),
  at: isoTime,
  text: z.string(),
  attachmentId: z.number().nullable(),
});

const attachmentOutput = z.object({
  id: z.number(),
  alertId: z.number(),
  fileName: z.string(),
  mediaType: z.string(),
  size: z.number(),
  sha256: z.string(),
  uploadedBy: z.number(),
  uploadedAt: isoTime,
});

const positionOutput = z.object({
  id: z.number(),
  time: isoTime.nullable(),
  receivedAt: isoTime,
  latitude: z.number(),
  longitude: z.number(),
  altitudeM: z.number(),
  speedKmh: z.number(),
  course: z.number(),
  acc: z.boolean(),
  fixed: z.boolean(),
  alarm: z.number(),
  status: z.number(),
  batchType: z.number().nullable(),
  valid: z.boolean(),
  invalidReason: z.string().nullable(),
});

const evidenceOutput = z.object({
  positions: z.object({
    access: z.enum(['live', 'delayed', 'none']).describe('The user\'s view of this vehicle\'s positions; delayed and none apply to leadership vehicles'),
    before: isoTime.nullable(),
    truncated: z.boolean(),
    items: z.array(positionOutput),
  }),
  place: z.object({ id: z.number(), name: z.string(), category: z.string(), unitId: z.number().nullable(), shape: z.unknown() }).nullable(),
  tripOrder: z
    .object({
      id: z.number(),
      unitId: z.number(),
      vehicleId: z.number(),
      driverId: z.number().nullable(),
      applicant: z.string(),
      purpose: z.string(),
      start: isoTime,
      end: isoTime,
      outOfArea: z.boolean(),
      holidayUse: z.boolean(),
      status: z.string(),
      destinations: z.array(z.object({ seq: z.number(), placeId: z.number().nullable(), name: z.string(), latitude: z.number().nullable(), longitude: z.number().nullable(), radiusM: z.number().nullable() })),
    })
    .nullable(),
  orderAbsent: z.boolean(),
  approvedOrdersInSpan: z.array(z.object({ id: z.number(), purpose: z.string(), start: isoTime, end: isoTime })),
  trip: z
    .object({
      id: z.number(),
      start: isoTime,
      end: isoTime,
      distanceM: z.number(),
      maxDistanceFromHomeM: z.number().nullable(),
      leftBoundary: z.boolean(),
      orderId: z.number().nullable(),
      verdict: z.string(),
      reasonCode: z.string(),
      driverCards: z.array(z.string()),
    })
    .nullable(),
  rawFrames: z.array(
    z.object({
      id: z.number(),
      stored: z.boolean(),
      terminalId: z.number().nullable(),
      receivedAt: isoTime.nullable(),
      messageId: z.string().nullable(),
      serial: z.number().nullable(),
      header: z.record(z.string(), z.unknown()).nullable(),
      hex: z.string().nullable().describe('Unescaped header, body and check code as received'),
      decodeError: z.string().nullable(),
    }),
  ),
  rawFramesWithheld: z.number(),
});

const reviewOutput = alertOutput.extend({ transitions: z.array(transitionOutput), attachments: z.array(attachmentOutput) });
const detailOutput = reviewOutput.extend({ evidenceResolved: evidenceOutput });

const countsOutput = z.object({
  total: z.number(),
  byRule: z.array(z.object({ rule: z.string(), ruleName: z.object({ zh: z.string(), en: z.string() }), negativeListItem: z.number().nullable(), count: z.number() })),
  byUnit: z.array(z.object({ unitId: z.number(), unitName: z.string(), count: z.number() })),
  byState: z.array(z.object({ state: z.string(), count: z.number() })),
});

const explainBody = z.object({ text: z.string().describe('The unit\'s explanation'), attachmentId: z.number().int().positive().optional() });
const confirmBody = z.object({ text: z.string().optional().describe('Comment on the decision') });
const dismissBody = z.object({ reason: z.string().describe('Why the alert is not a violation; required') });
const rectifyBody = z.object({ text: z.string().describe('What the unit did to rectify'), attachmentId: z.number().int().positive().optional() });

const errors = { ...errorResponses, 413: errorResponses[400], 415: errorResponses[400] };

/** Throws the 403 of the first capability unless the user has one of them. */
function assertAnyCapability(user: User, capabilities: readonly [Capability, ...Capability[]]): void {
  if (capabilities.some((capability) => hasCapability(user, capability))) return;
  assertCapability(user, capabilities[0]);
}

async function filterFor(store: Store, user: User, query: z.infer<typeof filterQuery>): Promise<AlertFilter> {
  const scope = await unitScope(store.db, user);
  return {
    scopeUnitIds: scope.all ? undefined : scope.unitIds,
    unitId: query.unitId,
    vehicleId: query.vehicleId,
    rules: query.rule,
    states: query.state,
    severities: query.severity,
    from: query.from,
    to: query.to,
    late: query.late,
    notReproduced: query.notReproduced,
  };
}

/** Loads an alert the user may see: 404 when it does not exist or lies outside the user's unit scope. */
async function alertInScope(store: Store, request: FastifyRequest, id: number): Promise<AlertView> {
  const alert = await findAlert(store.db, id);
  if (!alert) throw notFound('Alert', id);
  await assertInScope(store, request, { kind: 'Alert', id, unitId: alert.unitId });
  return alert;
}

async function reviewView(store: Store, alert: AlertView) {
  return { ...alert, transitions: await listTransitions(store.db, alert.id), attachments: await listAttachments(store, alert.id) };
}

/** Alerts of the negative list and device integrity: list, counts, evidence, review and attachments. */
export async function alertRoutes(app: ZodApp, { store, config, alertHub }: ApiOptions): Promise<void> {
  const { db } = store;

  app.get('/api/alerts', {
    schema: {
      tags,
      summary: 'List alerts in the user\'s unit scope, newest first',
      querystring: listQuery,
      response: { 200: z.object({ total: z.number(), limit: z.number(), offset: z.number(), items: z.array(alertOutput) }), ...errors },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'alerts.read');
    const { limit, offset, ...query } = request.query;
    const { items, total } = await listAlerts(db, await filterFor(store, user, query), { limit, offset });
    return { total, limit, offset, items: items as z.infer<typeof alertOutput>[] };
  });

  app.get('/api/alerts/counts', {
    schema: { tags, summary: 'Count alerts by rule, unit and state, for the dashboard', querystring: filterQuery, response: { 200: countsOutput, ...errors } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'alerts.read');
    return countAlerts(db, await filterFor(store, user, request.query));
  });

  app.get('/api/alerts/:id', {
    schema: {
      tags,
      summary: 'Get an alert with its evidence resolved, its review steps and attachments',
      description:
        'evidenceResolved holds the stored positions of the evidence range (invalid fixes included), the matched place, the trip order or the fact that none was approved, ' +
        'the trip and the raw terminal frames (decoded header and hex). For a leadership vehicle, positions and frames follow the user\'s view of its positions, as in GET /api/vehicles/:id/positions; ' +
        'a live viewer states a reason to see them live. Every call is recorded in the audit log.',
      params: idParams,
      querystring: z.object({
        reason: z.string().max(200).optional().describe('Stated reason, for live viewers of leadership vehicles'),
        positionLimit: z.coerce.number().int().min(1).max(20_000).default(defaultEvidencePositionLimit),
      }),
      response: { 200: detailOutput, ...errors },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'alerts.read');
    const alert = await alertInScope(store, request, request.params.id);
    const settings = config.leadershipVehicles;
    const reason = statedReason(request.query.reason, settings);
    const vehicle = await db.selectFrom('vehicles').select(['id', 'unit_id', 'usage_nature']).where('id', '=', alert.vehicleId).executeTakeFirstOrThrow();
    const vehicleView = { unitId: vehicle.unit_id, usageNature: vehicle.usage_nature };
    const view = (await positionFilter(db, user, settings, reason))(vehicleView) ?? { kind: 'none' as const };
    const evidence = await resolveEvidence(store, alert, view, request.query.positionLimit);

    const detail = { alertId: alert.id, vehicleId: alert.vehicleId, positions: evidence.positions.items.length, rawFrames: evidence.rawFrames.length, view: view.kind };
    if (isLeadershipVehicle(vehicleView)) auditLeadershipView(store, request, alert.vehicleId, { ...detail, reason });
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.alertEvidenceRead, objectType: 'alert', objectId: alert.id, detail });
    return { ...(await reviewView(store, alert)), evidenceResolved: evidence } as z.infer<typeof detailOutput>;
  });

  const transition = async (request: FastifyRequest, action: ReviewAction, text: string | undefined, attachmentId: number | undefined) => {
    const user = currentUser(request);
    const rule = reviewActions[action];
    assertCapability(user, rule.capability);
    const alertId = (request.params as { id: number }).id;
    const alert = await alertInScope(store, request, alertId);
    if (rule.ownUnit) assertOwnUnit(user, alert.unitId, action);
    const checkedText = reviewText(action, text);

    const result = await applyTransition(db, { alertId, action, text: checkedText, attachmentId: attachmentId ?? null, actor: user, now: Date.now() });
    request.log.info({ alertId, action, from: result.from, to: result.to, userId: user.id }, 'alert review step recorded');
    appendAudit(store, {
      actor: requestActor(request),
      action: rule.audit,
      objectType: 'alert',
      objectId: alertId,
      detail: { from: result.from, to: result.to, rule: alert.rule, vehicleId: alert.vehicleId, unitId: alert.unitId, text: checkedText, attachmentId: attachmentId ?? null },
    });
    await alertHub?.publish(alertId, 'alert.updated');
    return (await reviewView(store, (await findAlert(db, alertId))!)) as z.infer<typeof reviewOutput>;
  };

  const stepSchema = <B extends z.ZodType>(summary: string, description: string, body: B) => ({
    schema: { tags, summary, description, params: idParams, body, response: { 200: reviewOutput, ...errors } },
  });
  const conflictNote = 'A step the current state does not allow gets 409 with the code GONGCHE_ERR_ALERT_<STATE> of the current state, e.g. GONGCHE_ERR_ALERT_CONFIRMED.';

  app.post('/api/alerts/:id/explain', stepSchema('Explain a pending alert (the unit\'s staff)', `pending → explained, by unit_operator or unit_supervisor of the alert's own unit. ${conflictNote}`, explainBody), async (request) =>
    transition(request, 'explain', request.body.text, request.body.attachmentId),
  );
  app.post('/api/alerts/:id/confirm', stepSchema('Confirm an alert as a violation (the bureau)', `pending or explained → confirmed, by bureau_admin. ${conflictNote}`, confirmBody), async (request) =>
    transition(request, 'confirm', request.body.text, undefined),
  );
  app.post('/api/alerts/:id/dismiss', stepSchema('Dismiss an alert with a reason (the bureau)', `pending or explained → dismissed, by bureau_admin; the reason is required. ${conflictNote}`, dismissBody), async (request) =>
    transition(request, 'dismiss', request.body.reason, undefined),
  );
  app.post('/api/alerts/:id/rectify', stepSchema('Report the rectification of a confirmed alert (the unit\'s staff)', `confirmed → rectified, by unit_operator or unit_supervisor of the alert's own unit. ${conflictNote}`, rectifyBody), async (request) =>
    transition(request, 'rectify', request.body.text, request.body.attachmentId),
  );

  app.get('/api/alerts/:id/attachments/:attachmentId', {
    schema: { tags, summary: 'Download an attachment of an alert', params: z.object({ id: z.coerce.number().int().positive(), attachmentId: z.coerce.number().int().positive() }) },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'alerts.read');
    await alertInScope(store, request, request.params.id);
    const file = await readAttachment(store, request.params.id, request.params.attachmentId);
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.alertAttachmentRead, objectType: 'alert', objectId: request.params.id, detail: { attachmentId: file.id, sha256: file.sha256 } });
    return reply
      .header('content-type', file.mediaType)
      .header('content-disposition', `attachment; filename="attachment-${file.id}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .header('x-content-sha256', file.sha256)
      .send(file.content);
  });

  // Multipart parsing is registered for the upload route alone.
  await app.register(async (scope) => {
    const uploads = scope.withTypeProvider<ZodTypeProvider>();
    await uploads.register(multipart, { limits: { fileSize: maxAttachmentBytes, files: 1, fields: 4, parts: 5 } });
    uploads.post('/api/alerts/:id/attachments', {
      schema: {
        tags,
        summary: 'Upload an attachment for the explanation or the rectification',
        description:
          `multipart/form-data with one file field (any name). Accepted: PDF, JPEG, PNG or DOCX, detected from the content, at most ${maxAttachmentBytes} bytes (413 beyond, 415 for other types). ` +
          `By the unit's own staff while the alert is ${uploadStates.join(' or ')}; at most ${maxAttachmentsPerAlert} per alert. Pass the returned id as attachmentId to explain or rectify.`,
        params: idParams,
        response: { 201: attachmentOutput, ...errors },
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      assertAnyCapability(user, ['alerts.explain', 'alerts.rectify']);
      const alert = await alertInScope(store, request, request.params.id);
      assertOwnUnit(user, alert.unitId, 'upload attachments to');
      if (!uploadStates.includes(alert.state as (typeof uploadStates)[number])) throw stateConflict(alert.id, alert.state, 'an upload', uploadStates);
      const count = await db.selectFrom('alert_attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('alert_id', '=', alert.id).executeTakeFirstOrThrow();
      if (Number(count.n) >= maxAttachmentsPerAlert) throw new AppError('GONGCHE_ERR_ATTACHMENT_LIMIT', 409, `Alert ${alert.id} already has ${maxAttachmentsPerAlert} attachments, the most allowed`, { value: Number(count.n) });

      if (!request.isMultipart()) {
        throw new AppError('GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE', 415, `Send the attachment as multipart/form-data with one file field; got ${request.headers['content-type'] ?? 'no content type'}`);
      }
      const file = await request.file();
      if (!file) throw invalid('The multipart request has no file part: add the file as a form field of type file', null, [{ path: 'body.file', message: 'required' }]);
      let content: Buffer;
      try {
        content = await file.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw attachmentTooLarge(null);
        throw error;
      }
      const attachment = await storeAttachment(store, { alertId: alert.id, fileName: file.filename, declaredType: file.mimetype, content, userId: user.id, now: Date.now() });
      request.log.info({ alertId: alert.id, attachmentId: attachment.id, size: attachment.size, mediaType: attachment.mediaType }, 'alert attachment stored');
      appendAudit(store, {
        actor: requestActor(request),
        action: AUDIT_ACTIONS.alertAttachmentUploaded,
        objectType: 'alert',
        objectId: alert.id,
        detail: { attachmentId: attachment.id, fileName: attachment.fileName, mediaType: attachment.mediaType, size: attachment.size, sha256: attachment.sha256 },
      });
      return reply.status(201).send(attachment);
    });
  });
}
