import type { Frame, Header } from '@gongche/jt808';
import { Result, type TerminalConnection } from '../connection.ts';


/**
 * Queues the positions of one frame for the next group commit and sends 0x8001 only once
 * the commit has succeeded, so an acknowledged report is never lost. A failed commit is
 * answered with failure so that the terminal resends.
 */
export function handleLocation(
  connection: TerminalConnection,
  header: Header,
  frame: Frame,
  batchType: number | null,
  receivedAt: number,
  joined: boolean,
): void {
  const terminal = connection.terminal!;
  const { metrics, writer } = connection.context;
  const maxPendingAcks = connection.context.config.gateway.maxUnacknowledgedReports;
  connection.pendingAcks++;
  if (connection.pendingAcks > maxPendingAcks && connection.pauseReading()) {
    connection.log.warn({ pending: connection.pendingAcks }, 'reading paused until the store catches up');
  }

  writer.submit({ terminal, header, content: frame.content, body: frame.body, receivedAt, batchType, joined }).then(
    (result) => {
      metrics.positionsStored.inc(result.stored);
      if (result.duplicates > 0) metrics.duplicates.inc(result.duplicates);
      for (const { reason } of result.invalid) metrics.positionsInvalid.inc({ reason });
      if (result.emergencyAlarmOpened) connection.log.warn({ phone: terminal.phone, vehicleId: terminal.vehicleId, serial: header.serial }, 'emergency alarm opened');
      if (terminal.vehicleId !== null && (result.stored > 0 || result.emergencyAlarmOpened)) connection.context.vehicleActivity?.vehicleChanged(terminal.vehicleId, result.emergencyAlarmOpened);
      if (result.duplicates > 0) connection.log.debug({ serial: header.serial, duplicates: result.duplicates }, 'resent positions already stored');
      connection.reply(header, Result.success);
      metrics.ackLatency.observe((Date.now() - receivedAt) / 1000);
    },
    (error: unknown) => {
      connection.log.error({ err: error, serial: header.serial }, 'positions not committed; answering failure so the terminal resends');
      connection.reply(header, Result.failure);
    },
  ).finally(() => {
    connection.pendingAcks--;
    if (connection.pendingAcks <= maxPendingAcks / 2) connection.resumeReading();
  });
}
