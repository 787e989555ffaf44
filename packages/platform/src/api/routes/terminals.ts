import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createTerminal, toTerminal, updateTerminal, type Terminal } from '../../registry/terminals.ts';
import { terminalInput } from '../../registry/schemas.ts';
import { notFound } from '../../errors.ts';
import type { GatewayControl } from '../../gateway/control.ts';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/db.ts';
import { assertCapability, assertInScope, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses, idParams, terminalOutput, terminalPatch } from '../schemas.ts';

const withOnline = (terminal: Terminal, gateway: GatewayControl) => ({ ...terminal, online: gateway.isOnline(terminal.id) });

/** Returns the unit of the vehicle a terminal is bound to, null when unbound; throws 404 for an unknown terminal. */
async function terminalUnit(db: Kysely<Database>, id: number): Promise<number | null> {
  const row = await db
    .selectFrom('terminals as t')
    .leftJoin('vehicles as v', 'v.id', 't.vehicle_id')
    .select(['t.id', 'v.unit_id'])
    .where('t.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('Terminal', id);
  return row.unit_id;
}

/** Throws 404 unless the vehicle a terminal is to be bound to exists and lies in the user's scope. */
async function assertVehicleBindable(store: Store, request: FastifyRequest, vehicleId: number | null | undefined): Promise<void> {
  if (vehicleId == null) return;
  const vehicle = await store.db.selectFrom('vehicles').select(['id', 'unit_id']).where('id', '=', vehicleId).executeTakeFirst();
  if (!vehicle) throw notFound('Vehicle', vehicleId);
  await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unit_id });
}

/**
 * Terminals of the registry, within the user's unit scope through the vehicle each is bound to.
 * Only roles that see every unit see unbound terminals. Auth codes are never returned, because
 * toTerminal leaves them out and the response schema strips unknown keys.
 */
const uniqueness = 'A phone registered to another terminal is rejected with 409 GONGCHE_ERR_PHONE_TAKEN, and a vehicle that already has a terminal with 409 GONGCHE_ERR_VEHICLE_HAS_TERMINAL (value: that terminal\'s phone).';

export async function terminalRoutes(app: ZodApp, { store, gateway }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];

  app.get('/api/terminals', {
    schema: { tags, summary: 'List the terminals in the user\'s scope with their online state', response: { 200: z.object({ items: z.array(terminalOutput) }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'terminals.read');
    const scope = await unitScope(db, user);
    let query = db.selectFrom('terminals as t').leftJoin('vehicles as v', 'v.id', 't.vehicle_id').selectAll('t').orderBy('t.id');
    if (!scope.all) query = query.where('v.unit_id', 'in', scope.unitIds.length > 0 ? [...scope.unitIds] : [-1]);
    const rows = await query.execute();
    return { items: rows.map((row) => withOnline(toTerminal(row), gateway)) };
  });

  app.get('/api/terminals/:id', {
    schema: { tags, summary: 'Get a terminal with its online state', params: idParams, response: { 200: terminalOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'terminals.read');
    const unitId = await terminalUnit(db, request.params.id);
    await assertInScope(store, request, { kind: 'Terminal', id: request.params.id, unitId });
    const row = await db.selectFrom('terminals').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow();
    return withOnline(toTerminal(row), gateway);
  });

  app.post('/api/terminals', {
    schema: {
      tags,
      summary: 'Register a terminal',
      description: `legacyAuthCode is write-only: it is stored for migration from a previous platform and never returned. ${uniqueness}`,
      body: terminalInput,
      response: { 201: terminalOutput, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'terminals.write');
    await assertVehicleBindable(store, request, request.body.vehicleId);
    const terminal = await createTerminal(db, request.body);
    request.log.info({ terminalId: terminal.id, userId: user.id }, 'terminal created');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.terminalCreated, objectType: 'terminal', objectId: terminal.id, detail: { phone: terminal.phone, vehicleId: terminal.vehicleId } });
    return reply.status(201).send(withOnline(terminal, gateway));
  });

  app.patch('/api/terminals/:id', {
    schema: { tags, summary: 'Change a terminal', description: uniqueness, params: idParams, body: terminalPatch, response: { 200: terminalOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'terminals.write');
    await assertInScope(store, request, { kind: 'Terminal', id: request.params.id, unitId: await terminalUnit(db, request.params.id) });
    await assertVehicleBindable(store, request, request.body.vehicleId);
    const before = await db.selectFrom('terminals').select('vehicle_id').where('id', '=', request.params.id).executeTakeFirstOrThrow();
    const terminal = await updateTerminal(db, request.params.id, request.body);
    request.log.info({ terminalId: terminal.id, userId: user.id, vehicleId: terminal.vehicleId }, 'terminal changed');
    // A binding change names both vehicles, so that the log shows which vehicle lost its terminal on an unbinding.
    const binding = request.body.vehicleId === undefined ? {} : { previousVehicleId: before.vehicle_id, vehicleId: terminal.vehicleId };
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.terminalUpdated, objectType: 'terminal', objectId: terminal.id, detail: { fields: Object.keys(request.body), ...binding } });
    return withOnline(terminal, gateway);
  });
}
