/**
 * Measures the rules engine's evaluation of positions held in memory. That is stop segmentation,
 * place matching against 10,000 indexed places, trips with verdicts, and every registered detector with
 * the seeded templates, in batches of 2,000 as the live engine reads them, with the changed vehicle
 * states serialised to JSON every 5 seconds as the engine stores them while it catches up on a
 * backlog. Reading and decrypting positions and writing to SQLite are not included.
 * Prints one JSON line per round: positions per second of wall time, and per second of the
 * process's CPU time, which stays meaningful when other processes share the cores. Then, with
 * --by-detector, the CPU cost of each detector: a round with only that detector minus a round
 * with none.
 * --without=CODE,CODE leaves detectors out.
 * Run: node --import tsx bench/rules.ts [vehicles] [positionsPerVehicle] [rounds] [--by-detector] [--without=CODE,...]
 */
import { cpus } from 'node:os';
import type { Place, PlaceCategory, PlaceShape } from '../packages/platform/src/rules/places.ts';
import type { Detector, RuleFix, RuleVehicle } from '../packages/platform/src/rules/engine/types.ts';
import { chineseDaysSeedRows } from '../packages/platform/src/rules/calendar-seed.ts';
import { defaultRuleSettings } from '../packages/platform/src/rules/templates/settings.ts';
import { seedTemplates } from '../packages/platform/src/rules/templates/seed.ts';
import { emptyFacts, makeInputs, setupVehicle } from '../packages/platform/src/rules/engine/context.ts';
import { VehicleEvaluator, type EvaluationSink } from '../packages/platform/src/rules/engine/evaluator.ts';
import { newVehicleState, type VehicleRuleState } from '../packages/platform/src/rules/engine/state.ts';
import { BoundaryTracker } from '../packages/platform/src/rules/engine/boundary.ts';
import { negativeListDetectors } from '../packages/platform/src/rules/detectors/index.ts';
import { integrityDetectors } from '../packages/platform/src/rules/integrity/index.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const byDetector = process.argv.includes('--by-detector');
const vehicleCount = Number(args[0] ?? 200);
const positionsPerVehicle = Number(args[1] ?? 2500);
const rounds = Number(args[2] ?? 3);
const placeCount = 10_000;
const unitCount = 100;
const batchSize = 2000;

/** A deterministic pseudo-random generator (mulberry32), so that every run evaluates the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(808);

// Kashgar city and its surroundings, about 34 km by 28 km.
const box = { minLat: 39.35, maxLat: 39.6, minLon: 75.8, maxLon: 76.2 };
const metresPerDegree = 111_320;
const cosLat = Math.cos((39.47 * Math.PI) / 180);
const randomPoint = () => ({ latitude: box.minLat + rand() * (box.maxLat - box.minLat), longitude: box.minLon + rand() * (box.maxLon - box.minLon) });

function polygonAround(at: { latitude: number; longitude: number }, radiusM: number, vertices: number): PlaceShape {
  const ring: [number, number][] = [];
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices;
    const r = radiusM * (0.7 + 0.3 * rand());
    ring.push([at.longitude + (r * Math.cos(angle)) / (metresPerDegree * cosLat), at.latitude + (r * Math.sin(angle)) / metresPerDegree]);
  }
  return { kind: 'polygon', rings: [ring] };
}

const categories: PlaceCategory[] = ['government_office', 'entertainment', 'hotel', 'restaurant', 'scenic_spot', 'school', 'residential', 'wedding_funeral', 'other_unit_parking', 'custom'];
const places: Place[] = [];
for (let unitId = 1; unitId <= unitCount; unitId++) {
  places.push({ id: places.length + 1, name: `单位${unitId}停车场`, category: 'designated_parking', unitId, shape: polygonAround(randomPoint(), 60, 6) });
}
while (places.length < placeCount - 1) {
  const category = categories[Math.floor(rand() * categories.length)]!;
  const at = randomPoint();
  const shape: PlaceShape = rand() < 0.6 ? { kind: 'circle', ...at, radiusM: 50 + rand() * 250 } : polygonAround(at, 80 + rand() * 200, 5 + Math.floor(rand() * 20));
  places.push({ id: places.length + 1, name: `场所${places.length + 1}`, category, unitId: category === 'other_unit_parking' ? 1 + Math.floor(rand() * unitCount) : null, shape });
}
// A prefecture boundary of 2,000 vertices, about 150 km across.
places.push({ id: placeCount, name: '喀什地区', category: 'prefecture_boundary', unitId: null, shape: polygonAround({ latitude: 39.47, longitude: 76.0 }, 150_000, 2000) });

const usageNatures = ['领导保障用车', '一般公务用车', '执法执勤用车'];
const vehicles: RuleVehicle[] = Array.from({ length: vehicleCount }, (_, i) => ({ id: i + 1, plate: `新Q${String(i + 1).padStart(5, '0')}`, unitId: 1 + (i % unitCount), usageNature: usageNatures[i % 3]! }));

/** Generates one vehicle's fixes from a weekday morning: parks of 10-90 minutes at random places and drives between them, a fix every 30 s. */
function vehicleFixes(vehicle: RuleVehicle, firstId: number): RuleFix[] {
  const fixes: RuleFix[] = [];
  let time = Date.UTC(2026, 2, 2, 0, 0) + vehicle.id * 1000;
  let at = randomPoint();
  const push = (lat: number, lon: number, speedKmh: number, acc: boolean) => {
    const id = firstId + fixes.length;
    fixes.push({ positionId: id, rawFrameId: id, terminalId: vehicle.id, time, receivedAt: time, latitude: lat, longitude: lon, speedKmh, acc, alarm: 0, status: acc ? 3 : 2, fixed: true, valid: true, blindArea: false, late: false });
    time += 30_000;
  };
  while (fixes.length < positionsPerVehicle) {
    const parkFixes = 20 + Math.floor(rand() * 160);
    for (let i = 0; i < parkFixes && fixes.length < positionsPerVehicle; i++) push(at.latitude + (rand() - 0.5) * 2e-4, at.longitude + (rand() - 0.5) * 2e-4, 0, false);
    const to = rand() < 0.5 ? randomPoint() : { latitude: at.latitude + (rand() - 0.5) * 0.05, longitude: at.longitude + (rand() - 0.5) * 0.05 };
    const steps = 5 + Math.floor(rand() * 40);
    for (let i = 1; i <= steps && fixes.length < positionsPerVehicle; i++) {
      push(at.latitude + ((to.latitude - at.latitude) * i) / steps, at.longitude + ((to.longitude - at.longitude) * i) / steps, 30 + rand() * 40, true);
    }
    at = to;
  }
  return fixes;
}

const byVehicle = vehicles.map((v, i) => vehicleFixes(v, 1 + i * positionsPerVehicle));
// Positions in arrival order: all vehicles report every 30 s, so interleave them by time.
const arrival: RuleFix[] = [];
for (let i = 0; i < positionsPerVehicle; i++) for (const fixes of byVehicle) arrival.push(fixes[i]!);

const without = new Set((process.argv.find((a) => a.startsWith('--without='))?.slice('--without='.length) ?? '').split(',').filter(Boolean));
const detectors = ([...negativeListDetectors, ...integrityDetectors] as Detector<unknown, unknown>[]).filter((d) => !without.has(d.code));
const templates = {
  templates: seedTemplates.map((t, i) => ({ id: i + 1, name: t.name, usageNature: t.usageNature, unitId: null, description: t.description, content: t.content })),
  assignments: new Map(),
};
const calendarRows = chineseDaysSeedRows();
const indexStart = performance.now();
const allInputs = makeInputs({ settings: defaultRuleSettings, calendarRows, places, templates, vehicles, detectors });
const indexMs = performance.now() - indexStart;

const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

function round(inputs = allInputs): { seconds: number; cpuSeconds: number; alerts: number; trips: number; checkpoints: number; stateBytes: number } {
  const counts = { alerts: 0, trips: 0, checkpoints: 0, stateBytes: 0 };
  const sink: EvaluationSink = {
    alert: () => counts.alerts++,
    trip: () => {
      counts.trips++;
      return null;
    },
    checkpoint: () => counts.checkpoints++,
    detectorFailed: (code, _vehicleId, error) => {
      throw new Error(`detector ${code} failed`, { cause: error });
    },
  };
  const facts = emptyFacts();
  const states = new Map<number, VehicleRuleState>();
  const boundaries = new Map<number, BoundaryTracker>();
  const dirty = new Set<number>();
  const flush = () => {
    for (const vehicleId of dirty) counts.stateBytes += JSON.stringify(states.get(vehicleId)).length;
    dirty.clear();
  };
  const start = performance.now();
  const cpuStart = cpuSeconds();
  let flushedAt = start;
  for (let at = 0; at < arrival.length; at += batchSize) {
    const batch = new Map<number, RuleFix[]>();
    for (const fix of arrival.slice(at, at + batchSize)) {
      const list = batch.get(fix.terminalId);
      if (list) list.push(fix);
      else batch.set(fix.terminalId, [fix]);
    }
    for (const [vehicleId, fixes] of batch) {
      let state = states.get(vehicleId);
      if (!state) states.set(vehicleId, (state = newVehicleState()));
      let boundary = boundaries.get(vehicleId);
      if (!boundary) boundaries.set(vehicleId, (boundary = new BoundaryTracker(inputs.places, inputs.settings.places.boundaryMarginM)));
      new VehicleEvaluator(setupVehicle(inputs, facts, inputs.vehicles.get(vehicleId)!, undefined, boundary), sink).run(state, fixes);
      dirty.add(vehicleId);
    }
    if (performance.now() - flushedAt >= 5000) {
      flush();
      flushedAt = performance.now();
    }
  }
  flush();
  return { seconds: (performance.now() - start) / 1000, cpuSeconds: cpuSeconds() - cpuStart, ...counts };
}

for (let r = 1; r <= rounds; r++) {
  const result = round();
  console.log(
    JSON.stringify({
      round: r,
      positions: arrival.length,
      vehicles: vehicleCount,
      places: places.length,
      detectors: detectors.length,
      indexMs: Math.round(indexMs),
      positionsPerSecond: Math.round(arrival.length / result.seconds),
      positionsPerCpuSecond: Math.round(arrival.length / result.cpuSeconds),
      alerts: result.alerts,
      trips: result.trips,
      checkpoints: result.checkpoints,
      stateBytesWritten: result.stateBytes,
      cpu: cpus()[0]?.model,
      node: process.version,
    }),
  );
}

if (byDetector) {
  const only = (list: Detector<unknown, unknown>[]) => makeInputs({ settings: defaultRuleSettings, calendarRows, places: [], templates, vehicles, detectors: list, samePlacesAs: allInputs });
  const none = round(only([]));
  console.log(JSON.stringify({ detector: null, positionsPerCpuSecond: Math.round(arrival.length / none.cpuSeconds) }));
  for (const detector of detectors) {
    const alone = round(only([detector]));
    console.log(JSON.stringify({ detector: detector.code, microsecondsPerPosition: Math.round(((alone.cpuSeconds - none.cpuSeconds) / arrival.length) * 1e7) / 10 }));
  }
}
