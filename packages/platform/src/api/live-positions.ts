import type { Store } from '../store/db.ts';
import type { Logger } from '../logger.ts';
import type { GatewayControl } from '../gateway/control.ts';
import type { VehicleActivity } from '../gateway/context.ts';
import type { User } from '../security/users.ts';
import { hasCapability, inScope, isLeadershipVehicle, type UnitScope } from './access.ts';
import type { LiveSockets } from './live-sockets.ts';
import { listVehicleOverviews, type VehicleOverview } from './vehicle-overview.ts';

/** One vehicle in a `vehicle.position` message: the fields of GET /api/vehicles that change while it drives. */
export interface LiveVehicle {
  id: number;
  unitId: number;
  terminal: VehicleOverview['terminal'];
  lastPosition: VehicleOverview['lastPosition'];
  /** Flag set when a report of this vehicle opened an emergency alarm since the last message, sent only to users with alarms.read. */
  alarmOpened?: true;
}

export interface LivePositionsOptions {
  store: Store;
  sockets: LiveSockets;
  logger: Logger;
  /** Delay (ms) after a change, so that the changes of this span go out as one message per socket. */
  intervalMs?: number;
}

/**
 * Pushes `vehicle.position` messages on the live socket (GET /api/ws). The gateway calls
 * vehicleChanged after each commit that stored positions and when a terminal comes online or
 * goes offline. Changes are collected per vehicle. At most once per interval (1 s), the changed
 * vehicles are read back from the store as GET /api/vehicles lists them. Each socket gets those
 * its user may see, which takes positions.read and the vehicle's unit in the user's unit scope.
 *
 * Leadership vehicles (领导保障用车) are never pushed. Users who see their positions only
 * with a delay must not get them earlier, and live viewers see them only with a stated reason,
 * which a socket does not carry. The map shows them through its slower refresh of GET /api/vehicles.
 *
 * With no socket open, vehicleChanged returns at once and nothing is read.
 */
export class LivePositions implements VehicleActivity {
  readonly #store: Store;
  readonly #sockets: LiveSockets;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  #gateway: GatewayControl | null = null;
  /** Changed vehicle id → whether an emergency alarm opened. */
  #pending = new Map<number, boolean>();
  #timer: NodeJS.Timeout | null = null;
  /** The push in progress, if any. */
  #pushing: Promise<void> | null = null;
  #closed = false;

  constructor(options: LivePositionsOptions) {
    this.#store = options.store;
    this.#sockets = options.sockets;
    this.#logger = options.logger.child({ component: 'live-positions' });
    this.#intervalMs = options.intervalMs ?? 1000;
  }

  /** Sets the gateway whose sessions give the online state. Changes before this are dropped. */
  attach(gateway: GatewayControl): void {
    this.#gateway = gateway;
  }

  vehicleChanged(vehicleId: number, alarmOpened = false): void {
    if (this.#sockets.size === 0 || this.#closed) return;
    this.#pending.set(vehicleId, this.#pending.get(vehicleId) === true || alarmOpened);
    this.#schedule();
  }

  /** Stops pushing and waits for a push in progress. Changes still pending are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending.clear();
    await this.#pushing;
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#flush();
    }, this.#intervalMs);
    this.#timer.unref();
  }

  // One push at a time, so that an older read of a vehicle never reaches a socket after a newer one.
  #flush(): void {
    if (this.#pushing) {
      this.#schedule();
      return;
    }
    const changed = this.#pending;
    this.#pending = new Map();
    const gateway = this.#gateway;
    if (changed.size === 0 || gateway === null || this.#sockets.size === 0) return;
    this.#pushing = this.#push(gateway, changed).finally(() => {
      this.#pushing = null;
    });
  }

  async #push(gateway: GatewayControl, changed: Map<number, boolean>): Promise<void> {
    try {
      const vehicles = await this.#read(gateway, changed);
      if (vehicles.length === 0) return;
      const texts = new Map<string, string | null>();
      const sent = await this.#sockets.sendEach((user, scope) => {
        const key = audienceKey(user, scope);
        if (!texts.has(key)) texts.set(key, composeMessage(vehicles, user, scope));
        return texts.get(key)!;
      });
      this.#logger.debug({ vehicles: vehicles.length, sent }, 'vehicle positions pushed');
    } catch (error) {
      this.#logger.error({ err: error, vehicles: changed.size }, 'vehicle position push failed');
    }
  }

  /** Reads the changed vehicles as GET /api/vehicles lists them, leaving out leadership vehicles. */
  async #read(gateway: GatewayControl, changed: Map<number, boolean>): Promise<LiveVehicle[]> {
    const overviews = await listVehicleOverviews(this.#store, gateway, { ids: [...changed.keys()] }, { any: true, leadership: { kind: 'none' } });
    return overviews
      .filter((overview) => !isLeadershipVehicle(overview))
      .map((overview) => ({
        id: overview.id,
        unitId: overview.unitId,
        terminal: overview.terminal,
        lastPosition: overview.lastPosition,
        ...(changed.get(overview.id) === true && { alarmOpened: true as const }),
      }));
  }
}

// Users with the same unit scope and the same capabilities get the same message, which is serialised once.
function audienceKey(user: User, scope: UnitScope): string {
  const units = scope.all ? '*' : scope.unitIds.join(',');
  return `${units}|${hasCapability(user, 'positions.read')}|${hasCapability(user, 'terminals.read')}|${hasCapability(user, 'alarms.read')}`;
}

/** Returns the message for one user, or null when the user may see none of the vehicles. */
function composeMessage(vehicles: readonly LiveVehicle[], user: User, scope: UnitScope): string | null {
  if (!hasCapability(user, 'positions.read')) return null;
  const terminals = hasCapability(user, 'terminals.read');
  const alarms = hasCapability(user, 'alarms.read');
  const visible = vehicles
    .filter((vehicle) => inScope(scope, vehicle.unitId))
    .map((vehicle) => {
      const { alarmOpened, ...rest } = vehicle;
      return { ...rest, terminal: terminals ? vehicle.terminal : null, ...(alarms && alarmOpened && { alarmOpened }) };
    });
  if (visible.length === 0) return null;
  return JSON.stringify({ type: 'vehicle.position', vehicles: visible });
}
