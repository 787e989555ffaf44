import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createUnit, getUnit, listUnits, updateUnit } from '../../registry/units.ts';
import { unitInput } from '../../registry/schemas.ts';
import { assertRegistryWrite } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, unitOutput, unitPatch } from '../schemas.ts';

/** Units of the registry: reads for every logged-in user, writes for bureau_admin and sys_admin. */
export async function unitRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];

  app.get('/api/units', {
    schema: { tags, summary: 'List units', response: { 200: z.object({ items: z.array(unitOutput) }), ...errorResponses } },
  }, async () => ({ items: await listUnits(db) }));

  app.get('/api/units/:id', {
    schema: { tags, summary: 'Get a unit', params: idParams, response: { 200: unitOutput, ...errorResponses } },
  }, async (request) => getUnit(db, request.params.id));

  app.post('/api/units', {
    schema: { tags, summary: 'Create a unit', body: unitInput, response: { 201: unitOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const unit = await createUnit(db, request.body);
    request.log.info({ unitId: unit.id, userId: user.id }, 'unit created');
    return reply.status(201).send(unit);
  });

  app.patch('/api/units/:id', {
    schema: { tags, summary: 'Change a unit', params: idParams, body: unitPatch, response: { 200: unitOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const unit = await updateUnit(db, request.params.id, request.body);
    request.log.info({ unitId: unit.id, userId: user.id }, 'unit changed');
    return unit;
  });
}
