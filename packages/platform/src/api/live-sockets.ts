import type { Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import type { Logger } from '../logger.ts';
import { toUser, type User } from '../security/users.ts';
import { unitScope, type UnitScope } from './access.ts';

/**
 * A message on the live socket (GET /api/ws): one JSON object whose `type` names its topic,
 * e.g. `alert.created`. New topics add types without changing the others.
 */
export interface LiveMessage {
  type: string;
  [field: string]: unknown;
}

/** WebSocket close codes of the live socket (4000-4999 are free for applications, RFC 6455). */
export const liveCloseCodes = { sessionEnded: 4401, tooSlow: 4408 } as const;

interface LiveClient {
  socket: WebSocket;
  tokenHash: string;
  userId: number;
  alive: boolean;
}

// A client that has not read this much of what was sent to it is closed, so one slow client cannot grow the server's memory.
const maxBufferedBytes = 4 * 1024 * 1024;
const heartbeatIntervalMs = 30_000;

/**
 * The open live sockets and the sessions they were opened with. Before each delivery the
 * session is read again, without refreshing its idle timer: a socket whose session expired,
 * was logged out or whose user was disabled is closed with 4401. Roles and unit scopes are
 * read afresh for every broadcast, so a changed role or unit applies at the next message.
 */
export class LiveSockets {
  readonly #clients = new Set<LiveClient>();
  readonly #db: Kysely<Database>;
  readonly #auth: AuthSettings;
  readonly #logger: Logger;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(db: Kysely<Database>, auth: AuthSettings, logger: Logger) {
    this.#db = db;
    this.#auth = auth;
    this.#logger = logger.child({ component: 'live' });
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Registers an open socket of an authenticated session; it leaves the set when it closes. */
  add(socket: WebSocket, session: { tokenHash: string; userId: number }): void {
    const client: LiveClient = { socket, tokenHash: session.tokenHash, userId: session.userId, alive: true };
    this.#clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('close', () => {
      this.#clients.delete(client);
    });
    this.#startHeartbeat();
  }

  /**
   * Sends a message to every client whose user passes `audience`, checked with the user's
   * current role and unit scope. Returns the number of clients it was sent to.
   */
  async broadcast(audience: (user: User, scope: UnitScope) => boolean, message: LiveMessage): Promise<number> {
    const text = JSON.stringify(message);
    return this.sendEach((user, scope) => (audience(user, scope) ? text : null));
  }

  /**
   * Sends each client the text that `compose` returns for its user, checked with the user's
   * current role and unit scope. A null text sends nothing. Returns the number of clients it was sent to.
   */
  async sendEach(compose: (user: User, scope: UnitScope) => string | null): Promise<number> {
    const users = await this.#currentUsers();
    let sent = 0;
    for (const [client, user] of users) {
      const text = compose(user, await unitScope(this.#db, user));
      if (text !== null && this.#send(client, text)) sent++;
    }
    return sent;
  }

  /** Closes every socket, e.g. when the API stops. */
  closeAll(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    for (const client of this.#clients) client.socket.close(1001, 'server stopping');
    this.#clients.clear();
  }

  #send(client: LiveClient, text: string): boolean {
    if (client.socket.readyState !== client.socket.OPEN) return false;
    if (client.socket.bufferedAmount > maxBufferedBytes) {
      this.#logger.warn({ userId: client.userId, bufferedBytes: client.socket.bufferedAmount }, 'live socket closed: the client does not read its messages');
      client.socket.close(liveCloseCodes.tooSlow, 'client too slow');
      this.#clients.delete(client);
      return false;
    }
    client.socket.send(text);
    return true;
  }

  /** Reads the user of every client's session; closes and drops the clients whose session ended. */
  async #currentUsers(now = Date.now()): Promise<Map<LiveClient, User>> {
    const clients = [...this.#clients];
    const users = new Map<LiveClient, User>();
    if (clients.length === 0) return users;
    const rows = await this.#db
      .selectFrom('auth_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.token_hash', 's.created_at as session_created_at', 's.last_seen_at as session_last_seen_at'])
      .where('s.token_hash', 'in', [...new Set(clients.map((client) => client.tokenHash))])
      .execute();
    const byToken = new Map(rows.map((row) => [row.token_hash, row]));
    for (const client of clients) {
      const row = byToken.get(client.tokenHash);
      const expired =
        !row ||
        row.disabled === 1 ||
        now - row.session_last_seen_at > this.#auth.sessionIdleTimeoutS * 1000 ||
        now - row.session_created_at > this.#auth.sessionMaxLifetimeS * 1000;
      if (expired) {
        this.#logger.info({ userId: client.userId }, 'live socket closed: its session ended');
        client.socket.close(liveCloseCodes.sessionEnded, 'session ended');
        this.#clients.delete(client);
        continue;
      }
      users.set(client, toUser(row));
    }
    return users;
  }

  // Pings every client and terminates those that sent no pong to the previous ping. Sockets of ended sessions are closed too.
  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) {
        if (!client.alive) {
          client.socket.terminate();
          this.#clients.delete(client);
          continue;
        }
        client.alive = false;
        client.socket.ping();
      }
      this.#currentUsers().catch((error: unknown) => this.#logger.error({ err: error }, 'live socket session check failed'));
      if (this.#clients.size === 0 && this.#heartbeat) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = null;
      }
    }, heartbeatIntervalMs);
    this.#heartbeat.unref();
  }
}
