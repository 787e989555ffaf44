import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { MessageBody, Position } from '@gongche/jt808';
import { defaultConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startPlatform, type Platform } from '../../src/platform.ts';
import type { RuleEngineOptions } from '../../src/rules/engine/service.ts';
import type { SavedAlertMessage } from '../../src/rules/engine/worker-protocol.ts';
import { createUnit } from '../../src/registry/units.ts';
import { createVehicle } from '../../src/registry/vehicles.ts';
import { createTerminal } from '../../src/registry/terminals.ts';
import { unitInput, vehicleInput, terminalInput } from '../../src/registry/schemas.ts';
import { createPlace } from '../../src/places/repository.ts';
import type { PlaceCategory, PlaceShape } from '../../src/rules/places.ts';
import { createUser, type Role } from '../../src/security/users.ts';
import type { AlertTable } from '../../src/store/schema-alerts.ts';
import type { TripTable } from '../../src/store/schema-rule-engine.ts';
import { RawTerminal } from './gateway-harness.ts';
import { position } from './positions.ts';

/**
 * A real platform (store, gateway, rules engine thread, HTTP API) on a temporary folder and random
 * ports, with helpers to register the fleet and the facts the rules read, drive terminals over TCP
 * and read back what the rules found. Scenario tests of detectors build on it.
 *
 *   const h = await startRulesHarness();
 *   const car = await h.addVehicle({ usageNature: '一般公务用车' });
 *   const terminal = await h.connect(car);
 *   await terminal.reports(park({ at: hotel, start, minutes: 40 }));
 *   await h.waitForRules();
 *   assert.equal((await h.alerts({ rule: 'non_official_place' })).length, 1);
 */
export interface RulesHarness {
  platform: Platform;
  dir: string;
  config: Config;
  /** The store's master key (hex), for command-line tools run against the folder (GONGCHE_MASTER_KEY). */
  masterKey: string;
  db: Platform['store']['db'];
  /** Alerts the engine reported as saved since the start, created or merged, in order. */
  saved: SavedAlertMessage[];
  addUnit(name?: string): Promise<number>;
  addVehicle(options?: VehicleOptions): Promise<TestVehicle>;
  /** Stores a place and makes the engine read places again. */
  addPlace(place: PlaceSpec): Promise<number>;
  addOrder(order: OrderSpec): Promise<number>;
  addDriver(driver: { unitId: number; name?: string; cardNumber: string }): Promise<number>;
  addRosterDay(vehicleId: number, date: string): Promise<number>;
  /** Makes the engine read places, orders' inputs, templates, settings and the calendar before its next batch. */
  refreshRules(): void;
  /** Connects a terminal of a registered vehicle; it registers and authenticates. */
  connect(vehicle: TestVehicle): Promise<ScriptedTerminal>;
  /** Resolves once the engine has evaluated every stored position; the engine thread may still be loading its modules after a start, which takes seconds on a busy machine. */
  waitForRules(timeoutMs?: number): Promise<void>;
  alerts(filter?: { rule?: string; vehicleId?: number }): Promise<Selectable<AlertTable>[]>;
  trips(vehicleId: number): Promise<Selectable<TripTable>[]>;
  /** Creates a user and returns a bearer token for the HTTP API. */
  login(role: Role, unitId?: number | null): Promise<string>;
  /** Calls the HTTP API on the real port. */
  request(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Stops the platform and starts it again on the same folder, as a restart of `gongche serve` does; whileStopped gets the database file. */
  restart(whileStopped?: (file: string) => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface VehicleOptions {
  unitId?: number;
  plate?: string;
  usageNature?: string | null;
  phone?: string;
}

export interface TestVehicle {
  vehicleId: number;
  terminalId: number;
  unitId: number;
  plate: string;
  phone: string;
}

export interface PlaceSpec {
  name: string;
  category: PlaceCategory;
  unitId?: number | null;
  /** A circle around a point, or any shape. */
  shape: PlaceShape;
}

export interface OrderSpec {
  vehicleId: number;
  unitId: number;
  start: number;
  end: number;
  purpose?: string;
  driverId?: number | null;
  outOfArea?: boolean;
  holidayUse?: boolean;
  status?: 'approved' | 'pending' | 'rejected' | 'cancelled';
  destinations?: ({ placeId: number } | { name: string; latitude: number; longitude: number; radiusM?: number })[];
}

export interface HarnessOptions {
  /** Options of the rules engine thread; scenario tests may add detector modules. */
  rules?: RuleEngineOptions;
  configure?: (config: Config) => void;
}

let counter = 0;
const uniquePhone = () => `0139${String(process.pid % 10_000).padStart(4, '0')}${String(++counter).padStart(4, '0')}`;
const uniquePlate = () => `新Q${String(process.pid % 100).padStart(2, '0')}${String(counter).padStart(3, '0')}`;

/** Starts the platform with a fresh store; the rules engine polls every 50 ms and reads inputs again after 200 ms. */
export async function startRulesHarness(options: HarnessOptions = {}): Promise<RulesHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-rules-'));
  const config = defaultConfig({ dataDir: dir, httpHost: '127.0.0.1', httpPort: 0, jt808Host: '127.0.0.1', jt808Port: 0, sqliteSync: 'NORMAL' });
  config.auth = { ...config.auth, loginRateLimitMax: 100_000 };
  options.configure?.(config);
  const masterKey = randomBytes(32).toString('hex');
  const previousKey = process.env.GONGCHE_MASTER_KEY;
  const rules: RuleEngineOptions = { pollIntervalMs: 50, inputsMaxAgeMs: 200, ...options.rules };
  const logger = createLogger();
  const start = async () => {
    process.env.GONGCHE_MASTER_KEY = masterKey;
    try {
      return await startPlatform(config, logger, { rules });
    } finally {
      if (previousKey === undefined) delete process.env.GONGCHE_MASTER_KEY;
      else process.env.GONGCHE_MASTER_KEY = previousKey;
    }
  };
  let platform = await start();
  const saved: SavedAlertMessage[] = [];
  const listen = () => platform.rules.on('alerts', (alerts) => saved.push(...alerts));
  listen();
  let defaultUnit: number | null = null;
  const terminals: ScriptedTerminal[] = [];

  const harness: RulesHarness = {
    get platform() {
      return platform;
    },
    dir,
    config,
    masterKey,
    get db() {
      return platform.store.db;
    },
    saved,
    async addUnit(name = `喀什地区测试单位${++counter}`) {
      return (await createUnit(platform.store.db, unitInput.parse({ name }))).id;
    },
    async addVehicle(vehicleOptions = {}) {
      const unitId = vehicleOptions.unitId ?? (defaultUnit ??= await harness.addUnit());
      const plate = vehicleOptions.plate ?? uniquePlate();
      const phone = vehicleOptions.phone ?? uniquePhone();
      const usageNature = vehicleOptions.usageNature === undefined ? '一般公务用车' : vehicleOptions.usageNature;
      const vehicle = await createVehicle(platform.store.db, vehicleInput.parse({ unitId, plate, vehicleType: '轿车', ...(usageNature !== null && { usageNature }) }));
      const terminal = await createTerminal(platform.store.db, terminalInput.parse({ phone, vehicleId: vehicle.id }));
      harness.refreshRules();
      return { vehicleId: vehicle.id, terminalId: terminal.id, unitId, plate, phone };
    },
    async addPlace(place) {
      const view = await createPlace(platform.store.db, { name: place.name, category: place.category, unitId: place.unitId ?? null, shape: place.shape, remarks: null }, 'api');
      harness.refreshRules();
      return view.id;
    },
    async addOrder(order) {
      const now = Date.now();
      const row = await platform.store.db
        .insertInto('trip_orders')
        .values({
          unit_id: order.unitId,
          vehicle_id: order.vehicleId,
          driver_id: order.driverId ?? null,
          applicant: '测试申请人',
          purpose: order.purpose ?? '公务出行',
          start_at: order.start,
          end_at: order.end,
          out_of_area: order.outOfArea ? 1 : 0,
          holiday_use: order.holidayUse ? 1 : 0,
          status: order.status ?? 'approved',
          decided_by: null,
          decided_at: now,
          decision_comment: null,
          external_ref: null,
          created_by: null,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [seq, d] of (order.destinations ?? []).entries()) {
        const point = 'placeId' in d ? null : d;
        await platform.store.db
          .insertInto('trip_order_destinations')
          .values({
            order_id: row.id,
            seq,
            place_id: 'placeId' in d ? d.placeId : null,
            name: point?.name ?? '',
            latitude: point?.latitude ?? null,
            longitude: point?.longitude ?? null,
            radius_m: point ? (point.radiusM ?? 300) : null,
          })
          .execute();
      }
      return row.id;
    },
    async addDriver(driver) {
      const now = Date.now();
      const row = await platform.store.db
        .insertInto('drivers')
        .values({ unit_id: driver.unitId, name: driver.name ?? '测试驾驶员', ic_card_number: driver.cardNumber, phone: null, licence_number: null, licence_class: null, active: 1, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      harness.refreshRules();
      return row.id;
    },
    async addRosterDay(vehicleId, date) {
      const row = await platform.store.db
        .insertInto('duty_rosters')
        .values({ vehicle_id: vehicleId, date, reason: '值班', status: 'approved', requested_by: null, decided_by: null, decided_at: Date.now(), created_at: Date.now() })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    refreshRules() {
      platform.rules.refresh();
    },
    async connect(vehicle) {
      const terminal = await ScriptedTerminal.connect(platform.jt808Port, vehicle.phone, vehicle.plate);
      terminals.push(terminal);
      return terminal;
    },
    async waitForRules(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const max = await platform.store.db.selectFrom('positions').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
        const cursor = await platform.store.db.selectFrom('rule_cursor').select('position_id').where('name', '=', 'live').executeTakeFirst();
        if ((cursor?.position_id ?? 0) >= (max?.id ?? 0)) return;
        if (Date.now() > deadline) throw new Error(`rules engine did not reach position ${max?.id} within ${timeoutMs} ms (cursor ${cursor?.position_id ?? 0})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async alerts(filter = {}) {
      let query = platform.store.db.selectFrom('alerts').selectAll();
      if (filter.rule) query = query.where('rule', '=', filter.rule);
      if (filter.vehicleId) query = query.where('vehicle_id', '=', filter.vehicleId);
      return query.orderBy('start_at').orderBy('id').execute();
    },
    async trips(vehicleId) {
      return platform.store.db.selectFrom('trips').selectAll().where('vehicle_id', '=', vehicleId).orderBy('start_time').execute();
    },
    async login(role, unitId = null) {
      const username = `${role}${++counter}`;
      const password = 'Correct-Horse-9';
      await createUser(platform.store.db, { username, role, unitId, password, mustChangePassword: false });
      const response = await harness.request('POST', '/api/auth/login', '', { username, password });
      if (response.status !== 200) throw new Error(`log-in of ${username} failed: ${JSON.stringify(response.json)}`);
      return (response.json as { token: string }).token;
    },
    async request(method, url, token, body) {
      const response = await fetch(`http://127.0.0.1:${platform.httpPort}${url}`, {
        method,
        headers: { ...(token && { authorization: `Bearer ${token}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : null };
    },
    async restart(whileStopped) {
      for (const terminal of terminals.splice(0)) terminal.close();
      await platform.close();
      await whileStopped?.(path.join(dir, 'gongche.db'));
      platform = await start();
      listen();
    },
    async close() {
      for (const terminal of terminals.splice(0)) terminal.close();
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** One fix a scripted terminal reports. Times are UTC; the terminal sends them as BCD Beijing time, in whole seconds. */
export interface FixSpec {
  time: number | Date;
  latitude: number;
  longitude: number;
  speedKmh?: number;
  acc?: boolean;
  fixed?: boolean;
  alarm?: number;
  /** Status bits; by default ACC (bit 0) and fix (bit 1) from acc and fixed. */
  status?: number;
  course?: number;
}

/** Builds the location block a terminal sends for a fix. */
export function toPosition(fix: FixSpec): Position {
  const time = new Date(Math.floor(new Date(fix.time).getTime() / 1000) * 1000);
  return position({
    time,
    latitude: Math.round(fix.latitude * 1e6) / 1e6,
    longitude: Math.round(fix.longitude * 1e6) / 1e6,
    speedKmh: fix.speedKmh ?? 0,
    course: fix.course ?? 0,
    alarm: fix.alarm ?? 0,
    acc: fix.acc ?? true,
    fixed: fix.fixed ?? true,
    ...(fix.status !== undefined && { status: fix.status }),
  });
}

/** A terminal driven by the test over real TCP: each send waits for the platform's 0x8001, so the report is stored when it resolves. */
export class ScriptedTerminal {
  readonly raw: RawTerminal;

  private constructor(raw: RawTerminal) {
    this.raw = raw;
  }

  static async connect(port: number, phone: string, plate: string): Promise<ScriptedTerminal> {
    const raw = await RawTerminal.connect(port, phone, '2013');
    await raw.login(plate);
    return new ScriptedTerminal(raw);
  }

  /** Sends any message and returns the result of the platform's general response. */
  async send(message: MessageBody): Promise<number> {
    return this.raw.ack(this.raw.send(message), 5000);
  }

  /** Sends one live 0x0200 report. */
  async report(fix: FixSpec): Promise<void> {
    const result = await this.send({ messageId: 0x0200, body: toPosition(fix) });
    if (result !== 0) throw new Error(`0x0200 report answered with result ${result}`);
  }

  /** Sends live 0x0200 reports one after another. */
  async reports(fixes: readonly FixSpec[]): Promise<void> {
    for (const fix of fixes) await this.report(fix);
  }

  /** Uploads fixes as 0x0704 blind-area batches (type 1) of up to 20 reports each, in the order given. */
  async blindArea(fixes: readonly FixSpec[], batchSize = 20): Promise<void> {
    for (let i = 0; i < fixes.length; i += batchSize) {
      const positions = fixes.slice(i, i + batchSize).map(toPosition);
      const result = await this.send({ messageId: 0x0704, body: { type: 1, count: positions.length, positions } });
      if (result !== 0) throw new Error(`0x0704 batch answered with result ${result}`);
    }
  }

  close(): void {
    this.raw.close();
  }
}
