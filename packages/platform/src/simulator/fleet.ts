import type { HeaderEdition } from '@gongche/jt808';
import type { Logger } from '../logger.ts';
import { RouteMover } from './mover.ts';
import { kashgarRoutes, type LatLon } from './routes.ts';
import { SimulatedTerminal, type SimulatedTerminalOptions } from './terminal.ts';

/** One terminal of a simulated fleet. */
export interface FleetMember {
  phone: string;
  plate?: string;
  edition?: HeaderEdition;
  /** The terminal ID the registry has for the phone; the simulator derives one when it has none. */
  terminalId?: string;
  /** The vehicle the terminal is bound to in the store. */
  vehicleId?: number;
  /** The vehicle's last reported position: the terminal starts there and drives to its route (RouteMover startAt). */
  startAt?: LatLon;
}

export interface FleetOptions {
  host: string;
  port: number;
  members: FleetMember[];
  /** Edition of members that do not name one. */
  edition: HeaderEdition;
  intervalS: number;
  logger: Logger;
  /** Seed of the first member's route mover; member i uses seed + i. Default 1. */
  seed?: number;
  /** Delay between starting two terminals, so a large fleet does not connect all at once. Default 50 ms. */
  staggerMs?: number;
  /** Options passed to every terminal, e.g. timeouts in tests. */
  terminal?: Partial<Pick<SimulatedTerminalOptions, 'heartbeatS' | 'ackTimeoutMs' | 'maxResends' | 'reconnectMinMs' | 'reconnectMaxMs'>>;
}

/** Totals over the fleet for a progress line. */
export interface FleetSummary {
  terminals: number;
  connected: number;
  stopped: number;
  reportsSent: number;
  acknowledged: number;
  rejected: number;
  resent: number;
  uploaded: number;
}

/** Simulated terminals driving the Kashgar routes: member i takes route i modulo the route count, starting from its startAt when given. */
export class SimulatedFleet {
  readonly terminals: SimulatedTerminal[];
  readonly #staggerMs: number;
  readonly #startTimers: NodeJS.Timeout[] = [];

  constructor(options: FleetOptions) {
    const seed = options.seed ?? 1;
    this.#staggerMs = options.staggerMs ?? 50;
    this.terminals = options.members.map((member, i) => {
      const route = kashgarRoutes[i % kashgarRoutes.length]!;
      return new SimulatedTerminal({
        ...options.terminal,
        host: options.host,
        port: options.port,
        phone: member.phone,
        plate: member.plate,
        ...(member.terminalId && { terminalId: member.terminalId }),
        edition: member.edition ?? options.edition,
        intervalS: options.intervalS,
        logger: options.logger,
        mover: new RouteMover(route, { seed: seed + i, ...(member.startAt && { startAt: member.startAt }) }),
      });
    });
  }

  start(): void {
    this.terminals.forEach((terminal, i) => {
      this.#startTimers.push(setTimeout(() => terminal.start(), i * this.#staggerMs));
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.#startTimers) clearTimeout(timer);
    await Promise.all(this.terminals.map((terminal) => terminal.stop()));
  }

  summary(): FleetSummary {
    const summary: FleetSummary = { terminals: this.terminals.length, connected: 0, stopped: 0, reportsSent: 0, acknowledged: 0, rejected: 0, resent: 0, uploaded: 0 };
    for (const terminal of this.terminals) {
      if (terminal.phase === 'online') summary.connected++;
      if (terminal.phase === 'stopped') summary.stopped++;
      summary.reportsSent += terminal.stats.reportsSent;
      summary.acknowledged += terminal.stats.acknowledged;
      summary.rejected += terminal.stats.rejected;
      summary.resent += terminal.stats.resent;
      summary.uploaded += terminal.stats.uploaded;
    }
    return summary;
  }
}
