import type { TerminalConnection } from './connection.ts';

/** Authenticated connections by terminal registry id; a reconnect replaces the older connection. */
export class SessionRegistry {
  readonly #byTerminal = new Map<number, TerminalConnection>();

  /** Records the connection as the terminal's session and returns the one it replaces, if any. */
  attach(terminalId: number, connection: TerminalConnection): TerminalConnection | undefined {
    const previous = this.#byTerminal.get(terminalId);
    this.#byTerminal.set(terminalId, connection);
    return previous === connection ? undefined : previous;
  }

  /** Forgets the connection unless a newer one has already replaced it. */
  detach(terminalId: number, connection: TerminalConnection): void {
    if (this.#byTerminal.get(terminalId) === connection) this.#byTerminal.delete(terminalId);
  }

  get(terminalId: number): TerminalConnection | undefined {
    return this.#byTerminal.get(terminalId);
  }

  get size(): number {
    return this.#byTerminal.size;
  }

  connections(): IterableIterator<TerminalConnection> {
    return this.#byTerminal.values();
  }
}
