import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createVehicle, getVehicle, updateVehicle } from '../../registry/vehicles.ts';
import { vehicleInput } from '../../registry/schemas.ts';
import { assertCapability, assertInScope, auditLeadershipView, hasCapability, isLeadershipVehicle, leadershipView, statedReason, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses, idParams, isoTime, vehiclePatch } from '../schemas.ts';
import { getVehicleOverview, listVehicleOverviews } from '../vehicle-overview.ts';
import type { LastPositionAccess, VehicleFilter, VehicleOverview } from '../vehicle-overview.ts';
import type { User } from '../../security/users.ts';
import type { Store } from '../../store/db.ts';
import type { FastifyRequest } from 'fastify';
import type { LeadershipVehicleSettings } from '../../config.ts';
import { findCurrentDriver } from '../../drivers/current.ts';

export const vehicleOutput = z.object({
  id: z.number(),
  unitId: z.number(),
  plate: z.string(),
  brandModel: z.string().nullable(),
  vehicleType: z.string().nullable(),
  usageNature: z.string().nullable(),
  leaderRank: z.string().nullable(),
  remarks: z.string().nullable(),
  status: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const overviewOutput = vehicleOutput.extend({
  positionAccess: z.enum(['live', 'delayed', 'none']).describe('How the user sees this vehicle\'s positions: live, delayed (leadership vehicles: only fixes before positionsBefore) or none'),
  positionsBefore: isoTime.nullable().describe('With positionAccess=delayed, positions from this time on are withheld'),
  terminal: z.object({ id: z.number(), phone: z.string(), online: z.boolean(), lastSeenAt: isoTime.nullable() }).nullable(),
  lastPosition: z
    .object({
      time: isoTime,
      receivedAt: isoTime,
      latitude: z.number(),
      longitude: z.number(),
      speedKmh: z.number(),
      course: z.number(),
      acc: z.boolean(),
      fixed: z.boolean(),
    })
    .nullable()
    .describe('Newest valid fix by device time; null when there is none or the role may not read positions'),
});

const listQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  plate: z.string().trim().min(1).max(20).optional().describe('Part of the plate'),
  reason: z.string().max(200).optional().describe('Stated reason for seeing leadership vehicles live; recorded in the audit log'),
});

const getQuery = listQuery.pick({ reason: true });

const currentDriverOutput = z.object({
  vehicleId: z.number(),
  positionAccess: z.enum(['live', 'delayed', 'none']).describe('How the user sees the vehicle\'s positions. A leadership vehicle\'s driver follows it: delayed counts only card reports before positionsBefore, and none shows no driver'),
  positionsBefore: isoTime.nullable(),
  driver: z
    .object({
      since: isoTime.describe('Time of the card insertion: device time, or receipt time when the terminal sent none'),
      cardNumber: z.string().nullable().describe('Number read from the IC card, or null when the card could not be read'),
      cardName: z.string().nullable().describe('Name read from the IC card'),
      readResult: z.number().nullable().describe('Card read result: 0 success, 1-4 failures'),
      driver: z.object({ id: z.number(), name: z.string(), icCardNumber: z.string().nullable() }).nullable().describe('The active registered driver of the vehicle\'s unit with this card'),
    })
    .nullable()
    .describe('Null when the newest driver identity report is a card removal, or there is none'),
});

/** Returns what the user sees of last positions, leadership vehicles included. */
function lastPositionAccess(user: User, settings: LeadershipVehicleSettings, reason: string | null): LastPositionAccess {
  if (!hasCapability(user, 'positions.read')) return { any: false };
  return { any: true, leadership: leadershipView(user, settings, reason !== null) };
}

/** Hides what the role may not see: terminal state without terminals.read, an installer's view of leader details. */
function redactOverview(user: User, overview: VehicleOverview): VehicleOverview {
  const terminal = hasCapability(user, 'terminals.read') ? overview.terminal : null;
  if (user.role !== 'installer') return { ...overview, terminal };
  return { ...overview, terminal, leaderRank: null, remarks: null };
}

/** Records each leadership vehicle whose live last position the user saw, with the stated reason. */
function auditLiveViews(store: Store, request: FastifyRequest, overviews: VehicleOverview[], reason: string | null): void {
  for (const overview of overviews) {
    if (!isLeadershipVehicle(overview) || overview.positionAccess !== 'live' || overview.lastPosition === null) continue;
    auditLeadershipView(store, request, overview.id, { reason, view: 'last_position', positionTime: overview.lastPosition.time });
  }
}

/** Vehicles with terminal state and last position, within the user's unit scope. */
export async function vehicleRoutes(app: ZodApp, { store, gateway, config }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];
  const settings = config.leadershipVehicles;

  app.get('/api/vehicles', {
    schema: {
      tags,
      summary: 'List the vehicles in the user\'s scope with terminal and last position',
      description: 'Leadership vehicles (领导保障用车) show a delayed last position unless the user is a live viewer and sends reason.',
      querystring: listQuery,
      response: { 200: z.object({ items: z.array(overviewOutput) }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'vehicles.read');
    const reason = statedReason(request.query.reason, settings);
    const scope = await unitScope(db, user);
    const filter: VehicleFilter = { id: undefined, unitId: request.query.unitId, plate: request.query.plate, unitIds: scope.all ? undefined : scope.unitIds };
    const items = await listVehicleOverviews(store, gateway, filter, lastPositionAccess(user, settings, reason));
    auditLiveViews(store, request, items, reason);
    return { items: items.map((item) => redactOverview(user, item)) };
  });

  app.get('/api/vehicles/:id', {
    schema: { tags, summary: 'Get a vehicle with terminal and last position', params: idParams, querystring: getQuery, response: { 200: overviewOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'vehicles.read');
    const reason = statedReason(request.query.reason, settings);
    const overview = await getVehicleOverview(store, gateway, request.params.id, lastPositionAccess(user, settings, reason));
    await assertInScope(store, request, { kind: 'Vehicle', id: overview.id, unitId: overview.unitId });
    auditLiveViews(store, request, [overview], reason);
    return redactOverview(user, overview);
  });

  app.get('/api/vehicles/:id/driver', {
    schema: {
      tags,
      summary: 'Get the driver signed in on a vehicle',
      description: 'Returns the newest driver identity report (0x0702) if it is a card insertion, with the registered driver of the vehicle\'s unit who owns the card. A leadership vehicle\'s driver follows the same access as its positions: delayed, or live with a stated reason.',
      params: idParams,
      querystring: getQuery,
      response: { 200: currentDriverOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'drivers.read');
    const reason = statedReason(request.query.reason, settings);
    const vehicle = await getVehicle(db, request.params.id);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    const view = isLeadershipVehicle(vehicle) ? leadershipView(user, settings, reason !== null) : { kind: 'live' as const };
    const driver = view.kind === 'none' ? null : await findCurrentDriver(db, vehicle, view.kind === 'delayed' ? view.before : undefined);
    if (isLeadershipVehicle(vehicle) && view.kind === 'live') auditLeadershipView(store, request, vehicle.id, { reason, view: 'current_driver', since: driver?.since ?? null });
    return { vehicleId: vehicle.id, positionAccess: view.kind, positionsBefore: view.kind === 'delayed' ? new Date(view.before).toISOString() : null, driver };
  });

  app.post('/api/vehicles', {
    schema: { tags, summary: 'Register a vehicle', description: 'A plate is unique across all units (409 GONGCHE_ERR_PLATE_TAKEN otherwise, with the plate as value).', body: vehicleInput, response: { 201: vehicleOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'vehicles.write');
    const vehicle = await createVehicle(db, request.body);
    request.log.info({ vehicleId: vehicle.id, userId: user.id }, 'vehicle created');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.vehicleCreated, objectType: 'vehicle', objectId: vehicle.id, detail: { plate: vehicle.plate, unitId: vehicle.unitId } });
    return reply.status(201).send(vehicle);
  });

  app.patch('/api/vehicles/:id', {
    schema: { tags, summary: 'Change a vehicle', description: 'A plate taken by another vehicle is rejected with 409 GONGCHE_ERR_PLATE_TAKEN.', params: idParams, body: vehiclePatch, response: { 200: vehicleOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'vehicles.write');
    const existing = await getVehicle(db, request.params.id);
    await assertInScope(store, request, { kind: 'Vehicle', id: existing.id, unitId: existing.unitId });
    const vehicle = await updateVehicle(db, request.params.id, request.body);
    request.log.info({ vehicleId: vehicle.id, userId: user.id }, 'vehicle changed');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.vehicleUpdated, objectType: 'vehicle', objectId: vehicle.id, detail: { fields: Object.keys(request.body) } });
    return vehicle;
  });
}
