import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createUnit, getUnit, listUnits, updateUnit, type Unit } from '../../registry/units.ts';
import { unitInput } from '../../registry/schemas.ts';
import type { User } from '../../security/users.ts';
import { assertCapability, assertInScope, inScope, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses, idParams, unitOutput, unitPatch } from '../schemas.ts';

/** An installer sees units' names only: the other registry fields are the units' own data. */
function redactUnit(user: User, unit: Unit): Unit {
  if (user.role !== 'installer') return unit;
  return { ...unit, level: null, nature: null, organisationCode: null, address: null, supervisingUnitId: null, vehicleQuota: null, actualCount: null };
}

/** Units of the registry: reads within the user's unit scope, writes for bureau_admin and sys_admin. */
const uniqueness = 'Unit names and organisation codes are unique: a clash is rejected with 409 GONGCHE_ERR_UNIT_NAME_TAKEN or GONGCHE_ERR_ORGANISATION_CODE_TAKEN, with the value and the unit that has it.';

export async function unitRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];

  app.get('/api/units', {
    schema: { tags, summary: 'List the units in the user\'s scope', response: { 200: z.object({ items: z.array(unitOutput) }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'units.read');
    const scope = await unitScope(db, user);
    const units = (await listUnits(db)).filter((unit) => inScope(scope, unit.id));
    return { items: units.map((unit) => redactUnit(user, unit)) };
  });

  app.get('/api/units/:id', {
    schema: { tags, summary: 'Get a unit', params: idParams, response: { 200: unitOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'units.read');
    const unit = await getUnit(db, request.params.id);
    await assertInScope(store, request, { kind: 'Unit', id: unit.id, unitId: unit.id });
    return redactUnit(user, unit);
  });

  app.post('/api/units', {
    schema: { tags, summary: 'Create a unit', description: uniqueness, body: unitInput, response: { 201: unitOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'units.write');
    const unit = await createUnit(db, request.body);
    request.log.info({ unitId: unit.id, userId: user.id }, 'unit created');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.unitCreated, objectType: 'unit', objectId: unit.id, detail: { name: unit.name } });
    return reply.status(201).send(unit);
  });

  app.patch('/api/units/:id', {
    schema: { tags, summary: 'Change a unit', description: uniqueness, params: idParams, body: unitPatch, response: { 200: unitOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'units.write');
    const existing = await getUnit(db, request.params.id);
    await assertInScope(store, request, { kind: 'Unit', id: existing.id, unitId: existing.id });
    const unit = await updateUnit(db, request.params.id, request.body);
    request.log.info({ unitId: unit.id, userId: user.id }, 'unit changed');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.unitUpdated, objectType: 'unit', objectId: unit.id, detail: { fields: Object.keys(request.body) } });
    return unit;
  });
}
