import { timingSafeEqual } from 'node:crypto';
import type { Authentication, Header } from '@gongche/jt808';
import { findTerminalByPhone } from '../../registry/terminals.ts';
import { Result, type TerminalConnection } from '../connection.ts';
import { deliverPendingConfirmation } from './alarm-confirmation.ts';

function sameCode(expected: string | null, given: string): boolean {
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Checks the auth code of 0x0102 against the code this platform issued, or, when the
 * migration setting allows it, against the code the terminal keeps from its previous
 * platform. On success the connection becomes the terminal's session, replacing an
 * older connection of the same terminal.
 */
export async function handleAuthentication(connection: TerminalConnection, header: Header, body: Authentication, now: number): Promise<void> {
  const { store, config, metrics, sessions } = connection.context;
  const terminal = await findTerminalByPhone(store.db, header.phone);
  const legacyAllowed = config.gateway.acceptLegacyAuthCodes;
  const accepted = terminal && (sameCode(terminal.auth_code, body.authCode) || (legacyAllowed && sameCode(terminal.legacy_auth_code, body.authCode)));
  if (!terminal || !accepted) {
    const reason = terminal ? 'wrong_auth_code' : 'unknown_terminal';
    metrics.refusals.inc({ reason });
    connection.log.warn({ phone: header.phone, reason }, 'authentication rejected');
    connection.reply(header, Result.failure);
    connection.close(reason);
    return;
  }

  connection.terminal = { id: terminal.id, phone: terminal.phone, vehicleId: terminal.vehicle_id };
  connection.log = connection.log.child({ phone: header.phone, terminal: terminal.id });

  const session = await store.db
    .insertInto('terminal_sessions')
    .values({ terminal_id: terminal.id, phone: header.phone, remote_address: connection.remoteAddress, edition: header.edition, connected_at: now, authenticated_at: now, frames_in: connection.framesIn })
    .returning('id')
    .executeTakeFirstOrThrow();
  connection.sessionRowId = session.id;
  await store.db
    .updateTable('terminals')
    .set({
      authenticated_at: now,
      last_seen_at: now,
      last_remote_address: connection.remoteAddress,
      updated_at: now,
      ...(body.imei && { imei: body.imei }),
    })
    .where('id', '=', terminal.id)
    .execute();

  const replaced = sessions.attach(terminal.id, connection);
  if (replaced) replaced.close('replaced_by_new_connection');
  metrics.online.set(sessions.size);
  if (terminal.vehicle_id !== null) connection.context.vehicleActivity?.vehicleChanged(terminal.vehicle_id);
  connection.log.info({ edition: header.edition, replaced: replaced !== undefined }, 'terminal authenticated');
  connection.reply(header, Result.success);
  // 0x0100 carries no ICCID, so only the 0x0107 response shows a swapped SIM card. Terminals that
  // do not support the query respond with 0x0001 result 3, which is logged and ignored.
  if (config.gateway.queryAttributesOnAuth) connection.send({ messageId: 0x8107, body: {} });
  // Not awaited, because the terminal's response arrives as a later frame on this same connection.
  void deliverPendingConfirmation(connection).catch((error: unknown) => connection.log.error({ err: error }, 'pending alarm confirmation failed'));
}
