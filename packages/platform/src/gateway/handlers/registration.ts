import { randomBytes } from 'node:crypto';
import type { Header, Registration } from '@gongche/jt808';
import { findTerminalByPhone } from '../../registry/terminals.ts';
import { normalisePlate } from '../../registry/plate.ts';
import type { TerminalConnection } from '../connection.ts';
import { recordSwaps } from '../../rules/integrity/swap.ts';

/** 0x8100 result codes of JT/T 808. */
export const RegistrationResult = { success: 0, vehicleRegistered: 1, vehicleUnknown: 2, terminalRegistered: 3, terminalUnknown: 4 } as const;

/** Returns a new auth code: 16 characters of base64url from 12 random bytes. */
export function newAuthCode(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Registers a terminal that the registry knows and issues it a new auth code. Unknown
 * phone numbers are rejected with result 4 and the connection is closed. A terminal that
 * reports another terminal id or plate than the registry holds is accepted and logged, because
 * an installer may swap a faulty unit or mistype the plate in its settings; the new terminal id
 * is kept on the terminal record.
 */
export async function handleRegistration(connection: TerminalConnection, header: Header, body: Registration): Promise<void> {
  const { db } = connection.context.store;
  const terminal = await findTerminalByPhone(db, header.phone);
  if (!terminal) {
    connection.context.metrics.refusals.inc({ reason: 'unknown_terminal' });
    connection.log.warn({ phone: header.phone, terminalId: body.terminalId, plate: body.plate }, 'registration rejected: terminal not in registry');
    connection.send({ messageId: 0x8100, body: { replySerial: header.serial, result: RegistrationResult.terminalUnknown } });
    connection.close('unknown_terminal');
    return;
  }

  const vehicle = terminal.vehicle_id === null ? undefined : await db.selectFrom('vehicles').select('plate').where('id', '=', terminal.vehicle_id).executeTakeFirst();
  // Plate colour 0 means the field carries a VIN, which the registry does not hold.
  if (vehicle && body.plateColor !== 0 && normalisePlate(body.plate) !== vehicle.plate) {
    connection.log.warn({ phone: header.phone, registered: vehicle.plate, reported: body.plate }, 'registration plate differs from the bound vehicle');
  }
  if (terminal.terminal_id && body.terminalId && terminal.terminal_id !== body.terminalId) {
    connection.log.warn({ phone: header.phone, registered: terminal.terminal_id, reported: body.terminalId }, 'terminal id changed at registration');
  }
  const now = Date.now();
  // Before the update below, which replaces the stored terminal id with the reported one.
  await recordSwaps({ db, logger: connection.log, alertHub: connection.context.alertHub }, terminal, { terminalId: body.terminalId, remoteAddress: connection.remoteAddress, messageId: 0x0100 }, now);
  const authCode = newAuthCode();
  await db
    .updateTable('terminals')
    .set({
      auth_code: authCode,
      terminal_id: body.terminalId || terminal.terminal_id,
      manufacturer_id: body.manufacturerId || terminal.manufacturer_id,
      terminal_model: body.terminalModel || terminal.terminal_model,
      edition: body.layout,
      registered_at: now,
      last_seen_at: now,
      last_remote_address: connection.remoteAddress,
      updated_at: now,
    })
    .where('id', '=', terminal.id)
    .execute();
  connection.log.info({ phone: header.phone, terminal: terminal.id, layout: body.layout, plate: body.plate }, 'terminal registered');
  connection.send({ messageId: 0x8100, body: { replySerial: header.serial, result: RegistrationResult.success, authCode } });
}
