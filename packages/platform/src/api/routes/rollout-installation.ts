import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { forbidden } from '../../errors.ts';
import { idParams } from '../schemas.ts';
import { assertInScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { contractFile, contractInput, listContracts, recordContract } from '../../rollout/contracts.ts';
import { bindTerminal, completePassedWorkOrders, createWorkOrders, getWorkOrder, listWorkOrders, terminalBinding, workOrdersCreate } from '../../rollout/work-orders.ts';
import { acceptanceChecklist, acceptanceInput, signAcceptance } from '../../rollout/acceptance.ts';
import { listSecurityTests, recordSecurityTest, securityTestInput } from '../../rollout/security-tests.ts';
import { audit, responses, scopeFilter, userWith } from './rollout-common.ts';

const tags = ['rollout'];
const unitBatchQuery = z.object({ unitId: z.coerce.number().int().positive(), batchId: z.coerce.number().int().positive() });
const listQuery = z.object({ batchId: z.coerce.number().int().positive().optional() });

/** Contracts, installation work orders with their debugging check, acceptance and the data-security test. */
export async function rolloutInstallationRoutes(app: ZodApp, { store, gateway }: ApiOptions): Promise<void> {
  const { db } = store;

  app.post('/api/rollout/contracts', { schema: { tags, summary: 'Record an installation contract or the confidentiality agreement with its file (base64)', body: contractInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'contracts.write');
    if (request.body.kind === 'confidentiality' && user.role !== 'bureau_admin') throw forbidden('Only bureau_admin records the bureau\'s confidentiality agreement');
    if (request.body.unitId) await assertInScope(store, request, { kind: 'Unit', id: request.body.unitId, unitId: request.body.unitId });
    const contract = await recordContract(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.contractRecorded, 'contract', contract.id, { kind: contract.kind, unitId: contract.unitId, number: contract.number, sha256: contract.fileSha256 });
    return reply.status(201).send(contract);
  });

  app.get('/api/rollout/contracts', { schema: { tags, summary: 'List contracts in the user\'s scope', response: responses } }, async (request) => {
    const user = userWith(request, 'contracts.write');
    const unitIds = await scopeFilter(store, user);
    return { items: await listContracts(db, unitIds ? { unitIds } : {}) };
  });

  app.get('/api/rollout/contracts/:id/file', { schema: { tags, summary: 'Download a contract file', params: idParams } }, async (request, reply) => {
    userWith(request, 'contracts.write');
    const file = await contractFile(db, request.params.id);
    if (file.unitId === null && currentUser(request).role !== 'bureau_admin') throw forbidden('Only bureau_admin reads the confidentiality agreement');
    if (file.unitId !== null) await assertInScope(store, request, { kind: 'Contract', id: request.params.id, unitId: file.unitId });
    return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`).send(file.content);
  });

  app.post('/api/rollout/work-orders', {
    schema: {
      tags,
      summary: 'Create work orders for the vehicles on a unit\'s reply-letter install list',
      description: 'Vehicles that already have a work order or a bound terminal are skipped and listed in alreadyOrdered (vehicle ids) and alreadyInstalled (vehicle, plate and terminal).',
      body: workOrdersCreate,
      response: responses,
    },
  }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    const result = await createWorkOrders(db, request.body, user.id);
    for (const id of result.created) audit(store, request, AUDIT_ACTIONS.workOrderCreated, 'work_order', id, { unitId: request.body.unitId, batchId: request.body.batchId, plannedDate: request.body.plannedDate });
    return reply.status(201).send(result);
  });

  app.get('/api/rollout/work-orders', { schema: { tags, summary: 'List work orders with their debugging check and terminal online state', querystring: listQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'work_orders.read');
    await completePassedWorkOrders(store);
    const unitIds = await scopeFilter(store, user);
    const orders = await listWorkOrders(db, { ...(request.query.batchId !== undefined && { batchId: request.query.batchId }), ...(unitIds && { unitIds }) });
    return { items: orders.map((order) => ({ ...order, online: order.terminal ? gateway.isOnline(order.terminal.id) : false })) };
  });

  app.get('/api/rollout/work-orders/:id', { schema: { tags, summary: 'Get a work order with its debugging check', params: idParams, response: responses } }, async (request) => {
    userWith(request, 'work_orders.read');
    await completePassedWorkOrders(store);
    const order = await getWorkOrder(db, request.params.id);
    await assertInScope(store, request, { kind: 'Work order', id: order.id, unitId: order.unitId });
    return { ...order, online: order.terminal ? gateway.isOnline(order.terminal.id) : false };
  });

  app.put('/api/rollout/work-orders/:id/terminal', { schema: { tags, summary: 'Bind the installed terminal to the work order\'s vehicle', params: idParams, body: terminalBinding, response: responses } }, async (request) => {
    userWith(request, 'work_orders.write');
    const before = await getWorkOrder(db, request.params.id);
    await assertInScope(store, request, { kind: 'Work order', id: before.id, unitId: before.unitId });
    await bindTerminal(db, before.id, request.body);
    const order = await getWorkOrder(db, before.id);
    audit(store, request, AUDIT_ACTIONS.workOrderTerminalBound, 'work_order', order.id, { vehicleId: order.vehicleId, terminal: order.terminal?.id, phone: request.body.phone, imei: request.body.imei });
    return order;
  });

  app.get('/api/rollout/acceptance', { schema: { tags, summary: 'Compute a unit\'s acceptance checklist for a batch', querystring: unitBatchQuery, response: responses } }, async (request) => {
    userWith(request, 'forms.read');
    await assertInScope(store, request, { kind: 'Unit', id: request.query.unitId, unitId: request.query.unitId });
    await completePassedWorkOrders(store, { unitId: request.query.unitId });
    return acceptanceChecklist(db, request.query.unitId, request.query.batchId);
  });

  app.post('/api/rollout/acceptance', { schema: { tags, summary: 'Sign a unit\'s acceptance when its checklist passes', body: acceptanceInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    await completePassedWorkOrders(store, { unitId: request.body.unitId });
    const result = await signAcceptance(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.acceptanceSigned, 'acceptance', result.id, { unitId: request.body.unitId, batchId: request.body.batchId, vehicles: result.checklist.items.length, remarks: request.body.remarks });
    return reply.status(201).send(result);
  });

  app.post('/api/rollout/security-tests', { schema: { tags, summary: 'Record a unit\'s data-security and operation test (passed or failed) after its acceptance', body: securityTestInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    const test = await recordSecurityTest(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.securityTestRecorded, 'security_test', test.id, { unitId: test.unitId, batchId: test.batchId, testedOn: test.testedOn, result: test.result });
    return reply.status(201).send(test);
  });

  app.get('/api/rollout/security-tests', { schema: { tags, summary: 'List data-security and operation tests in the user\'s scope', querystring: listQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const unitIds = await scopeFilter(store, user);
    return { items: await listSecurityTests(db, { ...(request.query.batchId !== undefined && { batchId: request.query.batchId }), ...(unitIds && { unitIds }) }) };
  });
}
