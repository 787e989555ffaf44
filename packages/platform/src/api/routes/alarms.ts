import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { assertCapability, assertInScope, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { alarmStates, findAlarm, listAlarms, markAcknowledged, markConfirmationSent } from '../emergency-alarms.ts';

const alarmOutput = z.object({
  id: z.number(),
  terminalId: z.number(),
  vehicleId: z.number().nullable(),
  plate: z.string().nullable(),
  unitId: z.number().nullable(),
  alarmSerial: z.number(),
  startedAt: isoTime,
  lastReportAt: isoTime,
  state: z.enum(alarmStates),
  acknowledgedBy: z.number().nullable(),
  acknowledgedAt: isoTime.nullable(),
  confirmationSentAt: isoTime.nullable(),
  clearedAt: isoTime.nullable(),
});

const ackOutput = z.object({
  alarm: alarmOutput,
  confirmationSent: z.boolean(),
  reason: z.string().optional().describe('Why the 0x8203 confirmation could not be sent'),
});

// 0x8203 alarm type bit 0: confirm the emergency alarm.
const emergencyAlarmType = 1;

/** Emergency alarms (terminal alarm bit 0) and their acknowledgement. */
export async function alarmRoutes(app: ZodApp, { store, gateway }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['alarms'];

  app.get('/api/alarms/emergency', {
    schema: {
      tags,
      summary: 'List emergency alarms, newest first (at most 1000)',
      querystring: z.object({ state: z.enum(alarmStates).optional() }),
      response: { 200: z.object({ items: z.array(alarmOutput) }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'alarms.read');
    const scope = await unitScope(db, user);
    const items = await listAlarms(db, { state: request.query.state, unitIds: scope.all ? undefined : scope.unitIds }, 1000);
    return { items: items as z.infer<typeof alarmOutput>[] };
  });

  app.post('/api/alarms/emergency/:id/acknowledge', {
    schema: {
      tags,
      summary: 'Acknowledge an open emergency alarm',
      description:
        'Records the acknowledgement, then sends 0x8203 to the terminal. 200 when the terminal confirmed receipt; ' +
        '202 with confirmationSent=false and a reason when the terminal is offline or did not answer: the acknowledgement stays recorded ' +
        'and confirmationSentAt stays null until the gateway delivers the confirmation at the terminal\'s next authentication. 409 when the alarm is not open (already acknowledged or cleared).',
      params: idParams,
      response: { 200: ackOutput, 202: ackOutput, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'alarms.acknowledge');
    const alarm = await findAlarm(db, request.params.id);
    if (!alarm) throw notFound('Emergency alarm', request.params.id);
    await assertInScope(store, request, { kind: 'Emergency alarm', id: alarm.id, unitId: alarm.unitId });

    const now = Date.now();
    if (!(await markAcknowledged(db, alarm.id, user.id, now))) {
      throw conflict(`Emergency alarm ${alarm.id} is not open (state: ${(await findAlarm(db, alarm.id))?.state}); it cannot be acknowledged again`, alarm.id);
    }
    request.log.info({ alarmId: alarm.id, terminalId: alarm.terminalId, userId: user.id }, 'emergency alarm acknowledged');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.alarmAcknowledged, objectType: 'emergency_alarm', objectId: alarm.id, detail: { vehicleId: alarm.vehicleId, terminalId: alarm.terminalId } });

    try {
      await gateway.confirmAlarm(alarm.terminalId, alarm.alarmSerial, emergencyAlarmType);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const reason = `${(error as Error).message}${code ? ` [${code}]` : ''}; the confirmation is sent when the terminal next authenticates`;
      // The gateway sends the confirmation when the terminal next authenticates.
      request.log.warn({ err: error, alarmId: alarm.id, terminalId: alarm.terminalId }, 'emergency alarm confirmation not sent');
      const updated = (await findAlarm(db, alarm.id))!;
      return reply.status(202).send({ alarm: updated as z.infer<typeof alarmOutput>, confirmationSent: false, reason });
    }
    await markConfirmationSent(db, alarm.id, Date.now());
    const updated = (await findAlarm(db, alarm.id))!;
    return { alarm: updated as z.infer<typeof alarmOutput>, confirmationSent: true };
  });
}
