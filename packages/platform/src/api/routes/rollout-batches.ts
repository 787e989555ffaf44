import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { idParams } from '../schemas.ts';
import { batchChange, batchInput, createBatch, getBatch, listBatches, listOverrides, overrideInput, removeOverride, setOverride, updateBatch } from '../../rollout/batches.ts';
import { computeAssignments, scopeVehicles } from '../../rollout/scope.ts';
import { getRolloutSettings, rolloutSettingsChange, updateRolloutSettings } from '../../rollout/settings.ts';
import { overdueList, unitProgress } from '../../rollout/progress.ts';
import { audit, responses, scopeFilter, userWith } from './rollout-common.ts';

const tags = ['rollout'];
const batchQuery = z.object({ batchId: z.coerce.number().int().positive().optional() });
const overrideParams = z.object({ objectType: z.enum(['unit', 'vehicle']), objectId: z.coerce.number().int().positive() });

/** Batches, their scope and deadlines, manual overrides, rollout settings and the per-unit phase states. */
export async function rolloutBatchRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.get('/api/rollout/batches', { schema: { tags, summary: 'List batches with scope rules and deadlines', response: responses } }, async (request) => {
    userWith(request, 'forms.read');
    return { items: await listBatches(db) };
  });

  app.post('/api/rollout/batches', { schema: { tags, summary: 'Create a batch', body: batchInput, response: responses } }, async (request, reply) => {
    userWith(request, 'rollout.manage');
    const batch = await createBatch(db, request.body);
    audit(store, request, AUDIT_ACTIONS.batchCreated, 'batch', batch.id, { number: batch.number, scopeRule: batch.scopeRule, deadlines: batch.deadlines });
    return reply.status(201).send(batch);
  });

  app.patch('/api/rollout/batches/:id', { schema: { tags, summary: 'Change a batch\'s name, scope rule or deadlines', params: idParams, body: batchChange, response: responses } }, async (request) => {
    userWith(request, 'rollout.manage');
    const batch = await updateBatch(db, request.params.id, request.body);
    audit(store, request, AUDIT_ACTIONS.batchUpdated, 'batch', batch.id, { fields: Object.keys(request.body), deadlines: batch.deadlines });
    return batch;
  });

  app.get('/api/rollout/batches/:id/scope', { schema: { tags, summary: 'Units and vehicles the batch covers', params: idParams, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const batch = await getBatch(db, request.params.id);
    const assignments = await computeAssignments(db);
    const allowed = await scopeFilter(store, user);
    const unitIds = [...(assignments.batchUnits.get(batch.id) ?? [])].filter((id) => !allowed || allowed.includes(id)).sort((a, b) => a - b);
    return { batchId: batch.id, units: unitIds.map((unitId) => ({ unitId, vehicleIds: scopeVehicles(assignments, unitId, batch.id) })) };
  });

  app.post('/api/rollout/overrides', { schema: { tags, summary: 'Assign a unit or vehicle to a batch by hand, with a reason', body: overrideInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    await setOverride(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.batchOverrideSet, request.body.objectType, request.body.objectId, { batchId: request.body.batchId, reason: request.body.reason });
    return reply.status(201).send({ ok: true });
  });

  app.get('/api/rollout/overrides', { schema: { tags, summary: 'List the manual batch assignments with their reasons', response: responses } }, async (request) => {
    userWith(request, 'rollout.manage');
    return { items: await listOverrides(db) };
  });

  app.delete('/api/rollout/overrides/:objectType/:objectId', {
    schema: { tags, summary: 'Remove a manual batch assignment; the unit or vehicle follows the batches\' rules again', params: overrideParams, response: responses },
  }, async (request) => {
    userWith(request, 'rollout.manage');
    const removed = await removeOverride(db, request.params.objectType, request.params.objectId);
    audit(store, request, AUDIT_ACTIONS.batchOverrideRemoved, removed.objectType, removed.objectId, { batchId: removed.batchId, reason: removed.reason });
    return removed;
  });

  app.get('/api/rollout/settings', { schema: { tags, summary: 'Rollout settings', response: responses } }, async (request) => {
    userWith(request, 'rollout.read');
    return getRolloutSettings(db);
  });

  app.patch('/api/rollout/settings', { schema: { tags, summary: 'Change rollout settings', body: rolloutSettingsChange, response: responses } }, async (request) => {
    userWith(request, 'rollout.manage');
    const settings = await updateRolloutSettings(db, request.body);
    audit(store, request, AUDIT_ACTIONS.rolloutSettingsChanged, 'rollout_settings', 'rollout', { changes: request.body });
    return settings;
  });

  app.get('/api/rollout/batches/:id/progress', { schema: { tags, summary: 'Every phase\'s state per unit of the batch', params: idParams, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const allowed = await scopeFilter(store, user);
    const rows = await unitProgress(db, request.params.id);
    return { items: rows.filter((row) => !allowed || allowed.includes(row.unitId)) };
  });

  app.get('/api/rollout/overdue', { schema: { tags, summary: 'Phases past their deadline and not done, per unit', querystring: batchQuery, response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const allowed = await scopeFilter(store, user);
    const rows = await overdueList(db, request.query.batchId);
    return { items: rows.filter((row) => !allowed || allowed.includes(row.unitId)) };
  });
}
