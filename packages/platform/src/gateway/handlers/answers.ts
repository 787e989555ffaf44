import type { Message } from '@gongche/jt808';
import { Result, type TerminalConnection } from '../connection.ts';
import { recordSwaps } from '../../rules/integrity/swap.ts';

/** Handles terminal answers to platform commands (0x0001, 0x0104, 0x0107) and transparent data (0x0900). */
export async function handleAnswer(connection: TerminalConnection, message: Message): Promise<void> {
  switch (message.messageId) {
    case 0x0001:
      // A general response is itself never answered.
      if (!connection.pending.settle(message.body.replySerial, message)) {
        connection.log.debug({ replySerial: message.body.replySerial }, 'general response to no pending command');
      }
      return;
    case 0x0104:
      connection.pending.settle(message.body.replySerial, message);
      connection.reply(message.header, Result.success);
      return;
    case 0x0107: {
      const { iccid, terminalId, terminalModel, manufacturerId } = message.body;
      const now = Date.now();
      const deps = { db: connection.context.store.db, logger: connection.log, alertHub: connection.context.alertHub };
      await recordSwaps(deps, connection.terminal!.id, { terminalId, iccid, remoteAddress: connection.remoteAddress, messageId: 0x0107 }, now);
      await connection.context.store.db
        .updateTable('terminals')
        .set({ iccid: iccid || null, terminal_id: terminalId || null, terminal_model: terminalModel || null, manufacturer_id: manufacturerId || null, updated_at: now })
        .where('id', '=', connection.terminal!.id)
        .execute();
      connection.log.info({ iccid, terminalId }, 'terminal attributes recorded');
      connection.reply(message.header, Result.success);
      return;
    }
    default:
      connection.log.info({ messageId: message.messageId }, 'message acknowledged without processing');
      connection.reply(message.header, Result.success);
  }
}
