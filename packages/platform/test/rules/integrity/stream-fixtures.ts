import type { AlertDraft, Detector, RuleContext, RuleEvent, RuleFix } from '../../../src/rules/engine/types.ts';
import { buildCalendarTable, dayType } from '../../../src/rules/calendar.ts';
import { chineseDaysSeedRows } from '../../../src/rules/calendar-seed.ts';
import { PlaceIndex } from '../../../src/rules/places.ts';

export const second = 1000;
export const minute = 60 * second;
/** Monday 2026-03-09 09:00 Beijing time. */
export const t0 = Date.parse('2026-03-09T01:00:00Z');
/** Kashgar, near the prefecture offices. */
export const kashgar = { latitude: 39.4704, longitude: 75.9898 };
const metresPerDegreeLat = 111_195;

/** Returns the point dx metres east and dy metres north of Kashgar. */
export function offset(dx: number, dy = 0) {
  return {
    latitude: kashgar.latitude + dy / metresPerDegreeLat,
    longitude: kashgar.longitude + dx / (metresPerDegreeLat * Math.cos((kashgar.latitude * Math.PI) / 180)),
  };
}

let nextId = 1;

/** Builds a valid fix of a car parked at Kashgar with ACC on, with any field overridden. */
export function fix(time: number, fields: Partial<RuleFix> = {}): RuleFix {
  const id = nextId++;
  return {
    positionId: id,
    rawFrameId: 10_000 + id,
    terminalId: 1,
    time,
    receivedAt: time + 2 * second,
    ...kashgar,
    speedKmh: 0,
    acc: true,
    alarm: 0,
    status: 0,
    fixed: true,
    valid: true,
    blindArea: false,
    late: false,
    ...fields,
  };
}

/** Fixes every intervalS seconds from start for durationS seconds, each built by `fields` from its index. */
export function series(start: number, durationS: number, intervalS: number, fields: (i: number) => Partial<RuleFix> = () => ({})): RuleFix[] {
  const fixes: RuleFix[] = [];
  for (let i = 0; i * intervalS < durationS; i++) fixes.push(fix(start + i * intervalS * second, fields(i)));
  return fixes;
}

export const vehicle = { id: 7, plate: '新Q12345', unitId: 3, usageNature: '一般公务用车' };

const calendar = buildCalendarTable(chineseDaysSeedRows());

/** Builds a rule context over the seeded calendar and no places, which is enough for the integrity detectors. */
export function testContext(): RuleContext {
  return {
    vehicle,
    places: new PlaceIndex([]),
    calendar,
    dayType: (instant) => dayType(calendar, instant).type,
    minuteOfDay: (instant) => Math.floor(((instant + 8 * 3_600_000) % 86_400_000) / 60_000),
    ordersBetween: () => [],
    onDutyRoster: () => false,
    unitDriverCards: new Set(),
    homePlaces: [],
    workingHours: [{ start: 600, end: 840 }, { start: 960, end: 1200 }],
    nightWindow: { start: 1320, end: 420 },
  };
}

export interface Run<S> {
  alerts: AlertDraft[];
  state: S;
  /** How many events left the state object unchanged. */
  unchanged: number;
}

/** Feeds fixes as 'fix' events through a detector with the given settings override. */
export function runDetector<S, Settings>(detector: Detector<S, Settings>, fixes: readonly RuleFix[], override: unknown = {}, state: S = detector.initialState()): Run<S> {
  const context = testContext();
  const settings = detector.parseSettings(override);
  const alerts: AlertDraft[] = [];
  let unchanged = 0;
  for (const f of fixes) {
    const event: RuleEvent = { type: 'fix', fix: f };
    const result = detector.update(state, event, context, settings);
    if (result.state === state) unchanged++;
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { alerts, state, unchanged };
}

/** Distinct merge keys, in order of first appearance: one per alert the sink would keep. */
export const keysOf = (alerts: readonly AlertDraft[]) => [...new Set(alerts.map((a) => a.key))];

/** Returns the last draft of each key, which is what the stored alert contains after every merge. */
export function finalDrafts(alerts: readonly AlertDraft[]): AlertDraft[] {
  const byKey = new Map<string, AlertDraft>();
  for (const alert of alerts) byKey.set(alert.key, alert);
  return [...byKey.values()];
}
