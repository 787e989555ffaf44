import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Message, MessageBody } from '@gongche/jt808';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { IngestWriter } from '../ingest/writer.ts';
import type { GatewayControl } from './control.ts';
import type { GatewayContext, VehicleActivity } from './context.ts';
import { TerminalConnection } from './connection.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import { SessionRegistry } from './sessions.ts';
import type { AlertPublisher } from '../rules/integrity/save.ts';

/** A running JT/T 808 gateway. */
export interface Gateway extends GatewayControl {
  port: number;
  metrics: GatewayMetrics;
  /** Non-JT/T 808 bytes dropped, per remote address. */
  discards: Map<string, number>;
  /** Returns the number of authenticated terminals. */
  onlineCount(): number;
  /** Sends a platform command and resolves with the terminal's answer (0x0001, 0x0201 or 0x0104). */
  sendCommand(terminalId: number, message: MessageBody): Promise<Message>;
  close(): Promise<void>;
}

const housekeepingIntervalMs = 5_000;

/** Starts the TCP server and the ingest writer behind it. */
export async function startGateway(options: { store: Store; config: Config; logger: Logger; alertHub?: AlertPublisher | undefined; vehicleActivity?: VehicleActivity | undefined }): Promise<Gateway> {
  const { store, config } = options;
  const logger = options.logger.child({ component: 'gateway' });
  const metrics = createGatewayMetrics();
  const writer = new IngestWriter(store, config.ingest, config.encryption, logger, {
    committed: (_stored, _reports, ms) => metrics.commitDuration.observe(ms / 1000),
  });
  await writer.ready();
  const context: GatewayContext = { store, config, logger, metrics, sessions: new SessionRegistry(), writer, discards: new Map(), alertHub: options.alertHub, vehicleActivity: options.vehicleActivity };
  const connections = new Set<TerminalConnection>();

  const server = net.createServer((socket) => {
    const connection = new TerminalConnection(socket, context, (closed, reason) => onClosed(context, connections, closed, reason));
    connections.add(connection);
    metrics.connections.set(connections.size);
    connection.log.info('connection opened');
  });
  server.on('error', (error) => logger.error({ err: error }, 'gateway server error'));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.jt808Port, config.jt808Host, () => resolve());
    });
  } catch (error) {
    // The ingest worker thread would keep the process alive after the caller gives up.
    await writer.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: config.jt808Host, port }, 'JT/T 808 gateway listening');

  const housekeeping = setInterval(() => {
    expireSubpackages(connections);
    recordLastSeen(context);
  }, housekeepingIntervalMs);
  housekeeping.unref();

  const sendCommand = async (terminalId: number, message: MessageBody): Promise<Message> => {
    const connection = context.sessions.get(terminalId);
    if (!connection || connection.closed) throw offline(terminalId);
    const serial = connection.send(message);
    connection.log.info({ messageId: message.messageId, serial }, 'command sent');
    return connection.pending.wait(serial, message.messageId, config.gateway.commandTimeoutS * 1000);
  };

  return {
    port,
    metrics,
    discards: context.discards,
    isOnline: (terminalId) => context.sessions.get(terminalId)?.closed === false,
    onlineCount: () => context.sessions.size,
    sendCommand,
    async confirmAlarm(terminalId, alarmSerial, alarmType) {
      const answer = await sendCommand(terminalId, { messageId: 0x8203, body: { alarmSerial, alarmType } });
      if (answer.messageId === 0x0001 && answer.body.result !== 0) {
        throw new AppError('GONGCHE_ERR_COMMAND_FAILED', 502, `Terminal answered the alarm confirmation with result ${answer.body.result}`, { value: answer.body.result });
      }
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.close('server_stopping');
      });
      await Promise.all([...connections].map((c) => c.drained()));
      clearInterval(housekeeping);
      await writer.close();
      logger.info('JT/T 808 gateway stopped');
    },
  };
}

function offline(terminalId: number): AppError {
  return new AppError('GONGCHE_ERR_TERMINAL_OFFLINE', 409, `Terminal ${terminalId} is not connected`, { value: terminalId });
}

function onClosed(context: GatewayContext, connections: Set<TerminalConnection>, connection: TerminalConnection, reason: string): void {
  connections.delete(connection);
  context.metrics.connections.set(connections.size);
  const terminal = connection.terminal;
  if (terminal) {
    context.sessions.detach(terminal.id, connection);
    context.metrics.online.set(context.sessions.size);
    void recordSessionEnd(context, connection, reason);
    if (terminal.vehicleId !== null) context.vehicleActivity?.vehicleChanged(terminal.vehicleId);
  }
  connection.log.info({ reason, frames: connection.framesIn }, 'connection closed');
}

async function recordSessionEnd(context: GatewayContext, connection: TerminalConnection, reason: string): Promise<void> {
  const now = Date.now();
  try {
    if (connection.sessionRowId !== null) {
      await context.store.db
        .updateTable('terminal_sessions')
        .set({ closed_at: now, close_reason: reason, frames_in: connection.framesIn })
        .where('id', '=', connection.sessionRowId)
        .execute();
    }
    await context.store.db.updateTable('terminals').set({ last_seen_at: now }).where('id', '=', connection.terminal!.id).execute();
  } catch (error) {
    context.logger.error({ err: error, terminal: connection.terminal?.id }, 'session end not recorded');
  }
}

/** Writes the last-seen time of online terminals every few seconds, so the API shows it without a write per frame. */
function recordLastSeen(context: GatewayContext): void {
  const times: [number, number][] = [];
  for (const connection of context.sessions.connections()) {
    if (connection.lastFrameAt > 0) times.push([connection.terminal!.id, connection.lastFrameAt]);
  }
  context.writer.recordLastSeen(times);
}

function expireSubpackages(connections: Set<TerminalConnection>): void {
  const now = Date.now();
  for (const connection of connections) {
    for (const incomplete of connection.assembler.expire(now)) {
      if (incomplete.dropped) {
        connection.log.warn(incomplete, 'subpackaged message dropped: missing packages never arrived');
        continue;
      }
      connection.log.warn(incomplete, 'subpackaged message incomplete; requesting the missing packages');
      connection.send({ messageId: 0x8003, body: { originalSerial: incomplete.firstSerial, packageIds: incomplete.missing } });
    }
  }
}
