import websocket from '@fastify/websocket';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AppError } from '../../errors.ts';
import { currentUser } from '../authentication.ts';
import type { LiveMessage } from '../live-sockets.ts';

// Clients send only small control messages.
const maxClientMessageBytes = 4096;

/** Topics the live socket sends today. */
export const liveTopics = ['alert.created', 'alert.updated', 'vehicle.position'] as const;

/**
 * Rejects a cookie-authenticated upgrade from a page of another origin (cross-site WebSocket
 * hijacking). Bearer clients and clients that send no Origin header are not browsers on another site.
 */
function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined || request.auth?.via !== 'cookie') return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host === request.host) return;
  request.log.warn({ origin, host: request.host }, 'live socket from another origin rejected');
  throw new AppError('GONGCHE_ERR_ORIGIN', 403, `The live socket accepts cookie sessions only from pages of ${request.host}; the request came from ${origin}`, { value: origin });
}

function reply(socket: WebSocket, message: LiveMessage): void {
  socket.send(JSON.stringify(message));
}

/** Handles one client message: `{"type":"ping"}` gets a pong, anything else an error message. */
function onClientMessage(socket: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  let message: unknown = null;
  if (!isBinary) {
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '');
    } catch {
      message = null;
    }
  }
  if (message !== null && typeof message === 'object' && (message as { type?: unknown }).type === 'ping') {
    reply(socket, { type: 'pong', at: new Date().toISOString() });
    return;
  }
  reply(socket, { type: 'error', code: 'GONGCHE_ERR_LIVE_MESSAGE', message: 'Unknown message: the live socket accepts only {"type":"ping"} from clients' });
}

/**
 * Registers the live socket GET /api/ws, a WebSocket authenticated like every other route (the
 * session cookie from a browser, or a bearer token). The server sends JSON messages, each with
 * a `type`. The first message is `hello`. Then come `alert.created` and `alert.updated` for the
 * alerts the user may read, and `vehicle.position` for the vehicles whose positions the user may
 * read (see LivePositions).
 */
export async function liveRoutes(app: ZodApp, { alertHub }: ApiOptions): Promise<void> {
  await app.register(websocket, { options: { maxPayload: maxClientMessageBytes } });

  app.addHook('onClose', async () => {
    alertHub?.close();
  });

  app.get('/api/ws', { websocket: true, preHandler: async (request) => assertSameOrigin(request) }, (socket, request) => {
    const user = currentUser(request);
    const auth = request.auth!;
    if (!alertHub) {
      request.log.error('live socket opened without an alert hub');
      socket.close(1011, 'live feed not available');
      return;
    }
    reply(socket, { type: 'hello', user: { id: user.id, username: user.username, role: user.role, unitId: user.unitId }, topics: [...liveTopics] });
    alertHub.sockets.add(socket, { tokenHash: auth.tokenHash, userId: user.id });
    request.log.info({ userId: user.id, role: user.role }, 'live socket opened');
    socket.on('message', (data, isBinary) => onClientMessage(socket, data as Buffer, isBinary));
    socket.on('close', (code) => request.log.info({ userId: user.id, code }, 'live socket closed'));
  });
}
