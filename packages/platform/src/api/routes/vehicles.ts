import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { createVehicle, updateVehicle } from '../../registry/vehicles.ts';
import { vehicleInput } from '../../registry/schemas.ts';
import { assertRegistryWrite, assertVehicleVisible, canReadPositions, vehicleUnitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime, vehiclePatch } from '../schemas.ts';
import { getVehicleOverview, listVehicleOverviews } from '../vehicle-overview.ts';
import type { VehicleFilter } from '../vehicle-overview.ts';
import { forbidden } from '../../errors.ts';

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
});

/** Vehicles with terminal state and last position; a unit_operator gets only its own unit's vehicles. */
export async function vehicleRoutes(app: ZodApp, { store, gateway }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['registry'];

  app.get('/api/vehicles', {
    schema: { tags, summary: 'List vehicles with terminal and last position', querystring: listQuery, response: { 200: z.object({ items: z.array(overviewOutput) }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    const scope = vehicleUnitScope(user);
    const filter: VehicleFilter = { ...request.query };
    if (scope !== null) {
      if (filter.unitId !== undefined && filter.unitId !== scope) throw forbidden('A unit operator may list only the vehicles of its own unit');
      filter.unitId = scope;
    }
    return { items: await listVehicleOverviews(db, gateway, filter, canReadPositions(user)) };
  });

  app.get('/api/vehicles/:id', {
    schema: { tags, summary: 'Get a vehicle with terminal and last position', params: idParams, response: { 200: overviewOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    const overview = await getVehicleOverview(db, gateway, request.params.id, canReadPositions(user));
    assertVehicleVisible(user, overview);
    return overview;
  });

  app.post('/api/vehicles', {
    schema: { tags, summary: 'Register a vehicle', description: 'A plate is unique across all units (409 otherwise).', body: vehicleInput, response: { 201: vehicleOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const vehicle = await createVehicle(db, request.body);
    request.log.info({ vehicleId: vehicle.id, userId: user.id }, 'vehicle created');
    return reply.status(201).send(vehicle);
  });

  app.patch('/api/vehicles/:id', {
    schema: { tags, summary: 'Change a vehicle', params: idParams, body: vehiclePatch, response: { 200: vehicleOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertRegistryWrite(user);
    const vehicle = await updateVehicle(db, request.params.id, request.body);
    request.log.info({ vehicleId: vehicle.id, userId: user.id }, 'vehicle changed');
    return vehicle;
  });
}
