import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ApiOptions, ZodApp } from '../context.ts';
import { assertCapability, assertInScope, hasCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../../audit/log.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { audit, scopeFilter } from './rollout-common.ts';
import { fileContent, importBodyLimit, importRowsError, isoInstant, pageQuery } from './facts-common.ts';
import { createOrder, decideOrder, getOrder, listOrders, type OrderDecision } from '../../orders/orders.ts';
import { orderStatuses, maxDestinations } from '../../orders/model.ts';
import { importOrders } from '../../orders/import.ts';
import { orderFileFormats, readOrderFile } from '../../orders/import-file.ts';
import { forbidden } from '../../errors.ts';
import type { Store } from '../../store/db.ts';
import { loadRuleSettings } from '../../rules/templates/settings.ts';

const destinationInput = z.union([
  z.object({ placeId: z.number().int().positive() }).strict(),
  z
    .object({
      name: z.string().trim().min(1).max(100),
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      radiusM: z.number().positive().optional().describe('Metres; 300 when left out'),
    })
    .strict(),
]);

const orderInput = z.object({
  vehicleId: z.number().int().positive(),
  driverId: z.number().int().positive().nullable().default(null),
  applicant: z.string().trim().min(1).max(50),
  purpose: z.string().trim().min(1).max(500),
  start: isoInstant,
  end: isoInstant,
  outOfArea: z.boolean().default(false).describe('The trip leaves the prefecture (出区)'),
  holidayUse: z.boolean().default(false).describe('The trip is on a holiday or weekend (节假日用车)'),
  destinations: z.array(destinationInput).min(1).max(maxDestinations),
  externalRef: z.string().trim().min(1).max(50).nullable().default(null).describe('Order number in the unit\'s own system; unique per unit'),
});

const destinationOutput = z.object({ seq: z.number(), placeId: z.number().nullable(), name: z.string(), latitude: z.number().nullable(), longitude: z.number().nullable(), radiusM: z.number().nullable() });
const orderOutput = z.object({
  id: z.number(),
  unitId: z.number(),
  vehicleId: z.number(),
  plate: z.string(),
  driverId: z.number().nullable(),
  driverName: z.string().nullable(),
  applicant: z.string(),
  purpose: z.string(),
  start: isoTime,
  end: isoTime,
  outOfArea: z.boolean(),
  holidayUse: z.boolean(),
  status: z.enum(orderStatuses),
  decidedBy: z.number().nullable(),
  decidedAt: isoTime.nullable(),
  decisionComment: z.string().nullable(),
  externalRef: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  destinations: z.array(destinationOutput),
});

const listQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  vehicleId: z.coerce.number().int().positive().optional(),
  status: z.enum(orderStatuses).optional(),
  from: isoInstant.optional().describe('Only orders whose window ends at or after this time'),
  to: isoInstant.optional().describe('Only orders whose window starts at or before this time'),
  ...pageQuery,
});

const decisionBody = z.object({ comment: z.string().trim().max(500).optional() });
const reasonBody = z.object({ reason: z.string().trim().min(1).max(500) });
const importBody = z.object({ format: z.enum(orderFileFormats), contentBase64: fileContent, dryRun: z.boolean().default(false) });
const importOutput = z.object({ imported: z.boolean(), orders: z.number(), approved: z.number(), ids: z.array(z.number()), errors: z.array(z.any()) });

const decisionAudit: Record<OrderDecision, AuditAction> = {
  approve: AUDIT_ACTIONS.tripOrderApproved,
  reject: AUDIT_ACTIONS.tripOrderRejected,
  cancel: AUDIT_ACTIONS.tripOrderCancelled,
};

/** Loads an order after the capability check and the unit scope check (404 outside the scope). */
async function orderInScope(store: Store, request: FastifyRequest, id: number) {
  const order = await getOrder(store.db, id);
  await assertInScope(store, request, { kind: 'Trip order', id, unitId: order.unitId });
  return order;
}

/** Trip orders (用车申请 / 派车单): request, approve, reject, cancel and import. */
export async function orderRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['trip orders'];

  app.get('/api/orders', {
    schema: { tags, summary: 'List trip orders in the user\'s scope, newest start first', querystring: listQuery, response: { 200: z.object({ items: z.array(orderOutput), total: z.number() }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'orders.read');
    return listOrders(db, { ...request.query, scopeUnitIds: await scopeFilter(store, user) });
  });

  app.get('/api/orders/:id', {
    schema: { tags, summary: 'Get a trip order', params: idParams, response: { 200: orderOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'orders.read');
    return orderInScope(store, request, request.params.id);
  });

  app.post('/api/orders', {
    schema: {
      tags,
      summary: 'Request a trip order for a vehicle of the user\'s unit',
      description: 'The order starts pending. Problems (end before start, unknown vehicle, driver or place, a vehicle outside the user\'s units) get a 400 response with one detail per field.',
      body: orderInput,
      response: { 201: orderOutput, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'orders.write');
    const order = await createOrder(db, request.body, { scope: await scopeFilter(store, user), userId: user.id });
    request.log.info({ orderId: order.id, vehicleId: order.vehicleId, userId: user.id }, 'trip order created');
    audit(store, request, AUDIT_ACTIONS.tripOrderCreated, 'trip_order', order.id, { vehicleId: order.vehicleId, start: order.start, end: order.end, destinations: order.destinations.length });
    return reply.status(201).send(order);
  });

  const decide = (decision: OrderDecision, summary: string, body: typeof decisionBody | typeof reasonBody) =>
    app.post(`/api/orders/:id/${decision}`, {
      schema: { tags, summary, params: idParams, body, response: { 200: orderOutput, ...errorResponses } },
    }, async (request) => {
      const user = currentUser(request);
      if (decision === 'cancel') {
        if (!hasCapability(user, 'orders.write') && !hasCapability(user, 'orders.approve')) throw forbidden(`Role ${user.role} may not cancel trip orders`);
      } else {
        assertCapability(user, 'orders.approve');
      }
      await orderInScope(store, request, request.params.id);
      const payload = request.body as { comment?: string; reason?: string };
      const order = await decideOrder(db, request.params.id, decision, { userId: user.id, comment: payload.reason ?? payload.comment ?? null });
      request.log.info({ orderId: order.id, decision, userId: user.id }, 'trip order decided');
      audit(store, request, decisionAudit[decision], 'trip_order', order.id, { status: order.status, comment: order.decisionComment });
      return order;
    });
  decide('approve', 'Approve a pending trip order (unit_supervisor of the unit or above, or bureau_admin; not the order\'s creator)', decisionBody);
  decide('reject', 'Reject a pending trip order with a reason', reasonBody);
  decide('cancel', 'Cancel a pending or approved trip order with a reason', reasonBody);

  app.post('/api/orders/import', {
    bodyLimit: importBodyLimit,
    schema: {
      tags,
      summary: 'Import trip orders from a CSV or XLSX file (base64)',
      description: 'Columns 车牌号, 申请人, 事由, 开始时间, 结束时间, 目的地 and optional 单号, 驾驶员, 出区, 节假日用车, 状态. All or nothing: any bad row stores nothing and the response is 400 GONGCHE_ERR_IMPORT_ROWS with one detail per problem (row, column, value, reason).',
      body: importBody,
      response: { 200: importOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'orders.write');
    const { format, contentBase64, dryRun } = request.body;
    const rows = await readOrderFile(Buffer.from(contentBase64, 'base64'), format, `${format} file`);
    const result = await importOrders(db, rows, {
      scope: await scopeFilter(store, user),
      mayApprove: hasCapability(user, 'orders.approve'),
      userId: user.id,
      timeZone: (await loadRuleSettings(db)).timeZone,
      dryRun,
    });
    if (result.errors.length > 0) throw importRowsError(`${format} file`, result.errors);
    if (result.imported) {
      request.log.info({ orders: result.orders, userId: user.id }, 'trip orders imported');
      audit(store, request, AUDIT_ACTIONS.tripOrdersImported, 'trip_orders', result.ids[0] ?? 0, { format, orders: result.orders, approved: result.approved, firstId: result.ids[0], lastId: result.ids.at(-1) });
    }
    return result;
  });
}
