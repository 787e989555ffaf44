import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { idParams } from '../schemas.ts';
import { getBulletin, installationRows, listBulletins, publishInstallationBulletin } from '../../rollout/bulletins.ts';
import { completePassedWorkOrders } from '../../rollout/work-orders.ts';
import { inspectionInput, publishInspection } from '../../rollout/inspections.ts';
import { getRolloutSettings } from '../../rollout/settings.ts';
import { bulletinDocx, bulletinXlsx } from '../../rollout/exports/bulletin-files.ts';
import { installationCoverage } from '../../rollout/coverage.ts';
import { audit, responses, scopeFilter, sendFile, userWith } from './rollout-common.ts';

const tags = ['rollout'];
const listQuery = z.object({ batchId: z.coerce.number().int().positive().optional() });

/** Installation coverage of the whole fleet, and bulletins (通报) and inspections (专项巡检考核) published as snapshots with XLSX and DOCX files. */
export async function rolloutBulletinRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.get('/api/rollout/coverage', { schema: { tags, summary: 'Installation coverage per unit over the whole fleet: vehicles with a bound terminal that sent a valid position, out of vehicles in service without an approved exemption', response: responses } }, async (request) => {
    const user = userWith(request, 'forms.read');
    const unitIds = await scopeFilter(store, user);
    return { generatedAt: new Date().toISOString(), rows: await installationCoverage(db, unitIds) };
  });

  app.get('/api/rollout/batches/:id/bulletin-preview', { schema: { tags, summary: 'Compute the installation bulletin rows from the current data without publishing', params: idParams, response: responses } }, async (request) => {
    userWith(request, 'rollout.read');
    await completePassedWorkOrders(store);
    return { batchId: request.params.id, generatedAt: new Date().toISOString(), rows: await installationRows(db, request.params.id) };
  });

  app.post('/api/rollout/batches/:id/bulletins', { schema: { tags, summary: 'Publish the installation bulletin of a batch', params: idParams, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    await completePassedWorkOrders(store);
    const bulletin = await publishInstallationBulletin(db, request.params.id, user.id);
    audit(store, request, AUDIT_ACTIONS.bulletinPublished, 'bulletin', bulletin.id!, { batchId: bulletin.batchId, units: bulletin.rows.length });
    return reply.status(201).send(bulletin);
  });

  app.post('/api/rollout/inspections', { schema: { tags, summary: 'Score every unit of a batch for a period and publish the inspection bulletin', body: inspectionInput, response: responses } }, async (request, reply) => {
    const user = userWith(request, 'rollout.manage');
    await completePassedWorkOrders(store);
    const bulletin = await publishInspection(db, request.body, user.id);
    audit(store, request, AUDIT_ACTIONS.inspectionPublished, 'bulletin', bulletin.id!, { batchId: bulletin.batchId, from: request.body.from, to: request.body.to, weights: (await getRolloutSettings(db)).inspectionWeights });
    return reply.status(201).send(bulletin);
  });

  app.get('/api/rollout/bulletins', { schema: { tags, summary: 'List published bulletins', querystring: listQuery, response: responses } }, async (request) => {
    userWith(request, 'rollout.read');
    return { items: await listBulletins(db, request.query.batchId) };
  });

  app.get('/api/rollout/bulletins/:id', { schema: { tags, summary: 'Get a published bulletin', params: idParams, response: responses } }, async (request) => {
    userWith(request, 'rollout.read');
    return getBulletin(db, request.params.id);
  });

  app.get('/api/rollout/bulletins/:id/file.:format', { schema: { tags, summary: 'Download a published bulletin as XLSX or DOCX', params: idParams.extend({ format: z.enum(['xlsx', 'docx']) }) } }, async (request, reply) => {
    userWith(request, 'rollout.read');
    const bulletin = await getBulletin(db, request.params.id);
    const content = request.params.format === 'xlsx' ? await bulletinXlsx(bulletin) : await bulletinDocx(bulletin, (await getRolloutSettings(db)).issuingOrgan);
    return sendFile(reply, content, `${bulletin.title}.${request.params.format}`, request.params.format);
  });
}
