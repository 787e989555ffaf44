import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { assertCapability, assertInScope, hasCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { audit, scopeFilter } from './rollout-common.ts';
import { isoInstant } from './facts-common.ts';
import { createDriver, deleteDriver, getDriver, listDrivers, updateDriver } from '../../drivers/drivers.ts';
import { listDriverReports } from '../../drivers/reports.ts';
import { datesBetween, decideDuty, deleteDuty, getRosterEntry, listDuty, maxRosterDays, requestDuty } from '../../drivers/duty-roster.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { forbidden } from '../../errors.ts';

const optionalText = (max: number) => z.string().trim().max(max).nullable().default(null);
const driverInput = z.object({
  unitId: z.number().int().positive(),
  name: z.string().trim().min(1).max(50),
  icCardNumber: z.string().trim().min(1).max(40).nullable().default(null).describe('Number read from the IC card in 0x0702 (the qualification certificate code, 从业资格证号); unique'),
  phone: optionalText(20),
  licenceNumber: optionalText(30),
  licenceClass: optionalText(10).describe('Licence class, e.g. C1'),
  active: z.boolean().default(true),
});
const driverPatch = z.object({
  unitId: z.number().int().positive().optional(),
  name: z.string().trim().min(1).max(50).optional(),
  icCardNumber: z.string().trim().min(1).max(40).nullable().optional(),
  phone: z.string().trim().max(20).nullable().optional(),
  licenceNumber: z.string().trim().max(30).nullable().optional(),
  licenceClass: z.string().trim().max(10).nullable().optional(),
  active: z.boolean().optional(),
});
const driverOutput = z.object({
  id: z.number(),
  unitId: z.number(),
  name: z.string(),
  icCardNumber: z.string().nullable(),
  phone: z.string().nullable(),
  licenceNumber: z.string().nullable(),
  licenceClass: z.string().nullable(),
  active: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
const driverQuery = z.object({
  unitId: z.coerce.number().int().positive().optional(),
  active: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  search: z.string().trim().min(1).max(50).optional().describe('Part of the name, or a whole IC card number'),
});

const reportQuery = z.object({ vehicleId: z.coerce.number().int().positive(), from: isoInstant, to: isoInstant, limit: z.coerce.number().int().min(1).max(5000).default(500) });
const reportOutput = z.object({
  id: z.number(),
  terminalId: z.number(),
  vehicleId: z.number().nullable(),
  deviceTime: isoTime.nullable(),
  receivedAt: isoTime,
  state: z.enum(['in', 'out']),
  readResult: z.number().nullable(),
  cardNumber: z.string().nullable(),
  driverName: z.string().nullable(),
  rawFrameId: z.number().nullable(),
  driverId: z.number().nullable(),
  registered: z.boolean().describe('The card belongs to an active driver of the vehicle\'s unit'),
});

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const dutyInput = z.object({
  vehicleId: z.number().int().positive(),
  from: localDate.describe('First local date on duty'),
  to: localDate.optional().describe('Last local date on duty (inclusive); the first date when left out'),
  reason: z.string().trim().min(1).max(200),
});
const dutyOutput = z.object({
  id: z.number(),
  vehicleId: z.number(),
  plate: z.string(),
  unitId: z.number(),
  date: z.string(),
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  requestedBy: z.number().nullable(),
  decidedBy: z.number().nullable(),
  decidedAt: isoTime.nullable(),
  createdAt: isoTime,
});
const dutyQuery = z.object({
  vehicleId: z.coerce.number().int().positive().optional(),
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
  from: localDate.optional(),
  to: localDate.optional(),
});

/** Drivers with their IC cards, driver identity reports (0x0702) and the duty roster. */
export async function driverRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['drivers'];

  app.get('/api/drivers', {
    schema: { tags, summary: 'List the drivers of the user\'s units', querystring: driverQuery, response: { 200: z.object({ items: z.array(driverOutput) }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'drivers.read');
    return { items: await listDrivers(db, { ...request.query, scopeUnitIds: await scopeFilter(store, user) }) };
  });

  app.get('/api/drivers/:id', {
    schema: { tags, summary: 'Get a driver', params: idParams, response: { 200: driverOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'drivers.read');
    const driver = await getDriver(db, request.params.id);
    await assertInScope(store, request, { kind: 'Driver', id: driver.id, unitId: driver.unitId });
    return driver;
  });

  app.post('/api/drivers', {
    schema: { tags, summary: 'Register a driver of a unit', description: 'An IC card number is unique across all units (409 otherwise).', body: driverInput, response: { 201: driverOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'drivers.write');
    await assertInScope(store, request, { kind: 'Unit', id: request.body.unitId, unitId: request.body.unitId });
    const driver = await createDriver(db, request.body);
    request.log.info({ driverId: driver.id, unitId: driver.unitId, userId: user.id }, 'driver created');
    audit(store, request, AUDIT_ACTIONS.driverCreated, 'driver', driver.id, { unitId: driver.unitId, icCardNumber: driver.icCardNumber });
    return reply.status(201).send(driver);
  });

  app.patch('/api/drivers/:id', {
    schema: { tags, summary: 'Change a driver; active=false retires one that trip orders name', params: idParams, body: driverPatch, response: { 200: driverOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'drivers.write');
    const existing = await getDriver(db, request.params.id);
    await assertInScope(store, request, { kind: 'Driver', id: existing.id, unitId: existing.unitId });
    if (request.body.unitId !== undefined) await assertInScope(store, request, { kind: 'Unit', id: request.body.unitId, unitId: request.body.unitId });
    const patch = Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined));
    const driver = await updateDriver(db, existing.id, patch);
    request.log.info({ driverId: driver.id, userId: user.id }, 'driver changed');
    audit(store, request, AUDIT_ACTIONS.driverUpdated, 'driver', driver.id, { fields: Object.keys(patch) });
    return driver;
  });

  app.delete('/api/drivers/:id', {
    schema: { tags, summary: 'Delete a driver that no trip order names', params: idParams, response: { 200: driverOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'drivers.write');
    const existing = await getDriver(db, request.params.id);
    await assertInScope(store, request, { kind: 'Driver', id: existing.id, unitId: existing.unitId });
    const driver = await deleteDriver(db, existing.id);
    request.log.info({ driverId: driver.id, userId: user.id }, 'driver deleted');
    audit(store, request, AUDIT_ACTIONS.driverDeleted, 'driver', driver.id, { unitId: driver.unitId, name: driver.name });
    return driver;
  });

  app.get('/api/driver-reports', {
    schema: {
      tags,
      summary: 'List a vehicle\'s driver identity reports (0x0702), newest first',
      description: 'A report counts in [from, to] by device time, or by receipt time when the terminal sent no valid time.',
      querystring: reportQuery,
      response: { 200: z.object({ items: z.array(reportOutput) }), ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'drivers.read');
    const vehicle = await getVehicle(db, request.query.vehicleId);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    return { items: await listDriverReports(db, request.query) };
  });

  const dutyTags = ['duty roster'];
  app.get('/api/duty-rosters', {
    schema: { tags: dutyTags, summary: 'List duty roster entries of the user\'s units by date (at most 5,000)', querystring: dutyQuery, response: { 200: z.object({ items: z.array(dutyOutput) }), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'duty.read');
    return { items: await listDuty(db, { ...request.query, scopeUnitIds: await scopeFilter(store, user) }) };
  });

  app.post('/api/duty-rosters', {
    schema: {
      tags: dutyTags,
      summary: 'Request duty (值班/备勤) for a vehicle on a range of local dates',
      description: `One pending entry per date, at most ${maxRosterDays} dates; the bureau approves. Approved entries exempt the vehicle from the holiday-use rule on those dates.`,
      body: dutyInput,
      response: { 201: z.object({ items: z.array(dutyOutput) }), ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'duty.request');
    const vehicle = await getVehicle(db, request.body.vehicleId);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    const dates = datesBetween(request.body.from, request.body.to ?? request.body.from);
    const items = await requestDuty(db, { vehicleId: vehicle.id, dates, reason: request.body.reason, userId: user.id });
    request.log.info({ vehicleId: vehicle.id, dates: dates.length, userId: user.id }, 'duty requested');
    audit(store, request, AUDIT_ACTIONS.dutyRosterRequested, 'vehicle', vehicle.id, { from: dates[0], to: dates.at(-1), reason: request.body.reason, ids: items.map((i) => i.id) });
    return reply.status(201).send({ items });
  });

  for (const [decision, status] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    app.post(`/api/duty-rosters/:id/${decision}`, {
      schema: { tags: dutyTags, summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a pending duty roster entry (bureau_admin)`, params: idParams, response: { 200: dutyOutput, ...errorResponses } },
    }, async (request) => {
      const user = currentUser(request);
      assertCapability(user, 'duty.approve');
      const entry = await decideDuty(db, request.params.id, status, user.id);
      request.log.info({ rosterId: entry.id, status, userId: user.id }, 'duty roster decided');
      audit(store, request, status === 'approved' ? AUDIT_ACTIONS.dutyRosterApproved : AUDIT_ACTIONS.dutyRosterRejected, 'duty_roster', entry.id, { vehicleId: entry.vehicleId, date: entry.date });
      return entry;
    });
  }

  app.delete('/api/duty-rosters/:id', {
    schema: { tags: dutyTags, summary: 'Delete a duty roster entry: a pending one by its unit, any one by the bureau', params: idParams, response: { 200: dutyOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'duty.request');
    const existing = await getRosterEntry(db, request.params.id);
    await assertInScope(store, request, { kind: 'Duty roster entry', id: existing.id, unitId: existing.unitId });
    if (existing.status !== 'pending' && !hasCapability(user, 'duty.approve')) {
      throw forbidden(`Duty roster entry ${existing.id} is ${existing.status}; only the bureau may delete a decided entry`);
    }
    const entry = await deleteDuty(db, existing.id);
    request.log.info({ rosterId: entry.id, userId: user.id }, 'duty roster entry deleted');
    audit(store, request, AUDIT_ACTIONS.dutyRosterDeleted, 'duty_roster', entry.id, { vehicleId: entry.vehicleId, date: entry.date, status: entry.status });
    return entry;
  });
}
