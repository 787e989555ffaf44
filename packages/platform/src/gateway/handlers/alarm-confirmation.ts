import { Result, type TerminalConnection } from '../connection.ts';

const emergencyAlarmType = 1;

/**
 * Sends the 0x8203 that a user's acknowledgement could not deliver while the terminal was
 * offline. Until it arrives the terminal keeps the emergency bit set in every report. Sent once
 * per authentication; a failure is logged and retried at the next authentication.
 */
export async function deliverPendingConfirmation(connection: TerminalConnection): Promise<void> {
  const { store, config } = connection.context;
  const terminal = connection.terminal!;
  const alarm = await store.db
    .selectFrom('emergency_alarms')
    .select(['id', 'alarm_serial'])
    .where('terminal_id', '=', terminal.id)
    .where('state', '=', 'acknowledged')
    .where('confirmation_sent_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!alarm) return;

  const serial = connection.send({ messageId: 0x8203, body: { alarmSerial: alarm.alarm_serial, alarmType: emergencyAlarmType } });
  connection.log.info({ alarmId: alarm.id, serial }, 'acknowledged emergency alarm confirmed after reconnect');
  try {
    const answer = await connection.pending.wait(serial, 0x8203, config.gateway.commandTimeoutS * 1000);
    if (answer.messageId === 0x0001 && answer.body.result !== Result.success) {
      connection.log.warn({ alarmId: alarm.id, result: answer.body.result }, 'terminal rejected the emergency alarm confirmation');
      return;
    }
    await store.db.updateTable('emergency_alarms').set({ confirmation_sent_at: Date.now() }).where('id', '=', alarm.id).execute();
  } catch (error) {
    connection.log.warn({ err: error, alarmId: alarm.id }, 'emergency alarm confirmation not answered; retrying at the next authentication');
  }
}
