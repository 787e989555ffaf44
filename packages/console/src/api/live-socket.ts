/** A message of the live socket GET /api/ws: a JSON object whose `type` names its topic. */
export interface LiveSocketMessage {
  type: string;
  [field: string]: unknown;
}

export interface LiveSocketHandlers {
  onMessage(message: LiveSocketMessage): void;
  /** Called when a socket opens again after it was lost, so that the caller can reload what it missed meanwhile. */
  onReconnect?(): void;
  /** Called when the connected state changes: true after the server's hello, false when the socket closes. */
  onConnectedChange?(connected: boolean): void;
}

// WebSocket close code the server sends when the session behind the socket ended (log-out, idle timeout).
const sessionEndedCode = 4401;
const firstRetryMs = 1000;
const maxRetryMs = 30_000;

/**
 * A client of the live socket that reconnects after a lost connection, waiting 1 s, then twice
 * as long after each failed attempt, up to 30 s. A socket closed because the session ended
 * stays closed. The browser sends the session cookie with the upgrade request.
 */
export class LiveSocket {
  readonly #handlers: LiveSocketHandlers;
  #socket: WebSocket | null = null;
  #retryMs = firstRetryMs;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = true;
  #everConnected = false;

  constructor(handlers: LiveSocketHandlers) {
    this.#handlers = handlers;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
    this.#socket = null;
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    this.#socket = socket;
    socket.onmessage = (event) => {
      let message: LiveSocketMessage;
      try {
        message = JSON.parse(String(event.data)) as LiveSocketMessage;
      } catch {
        return;
      }
      if (message.type === 'hello') this.#opened();
      this.#handlers.onMessage(message);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#handlers.onConnectedChange?.(false);
      if (this.#stopped || event.code === sessionEndedCode) return;
      this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, maxRetryMs);
    };
  }

  #opened(): void {
    this.#retryMs = firstRetryMs;
    this.#handlers.onConnectedChange?.(true);
    if (this.#everConnected) this.#handlers.onReconnect?.();
    this.#everConnected = true;
  }
}
