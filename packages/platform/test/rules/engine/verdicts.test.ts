import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Place } from '../../../src/rules/places.ts';
import type { TripOrderFact } from '../../../src/rules/engine/types.ts';
import { ruleFixes, runEngine, testVehicle } from '../../helpers/rule-events.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import type { FixSpec } from '../../helpers/rules-harness.ts';

const office: Place = { id: 1, name: '地区行政公署', category: 'government_office', unitId: null, shape: circle(kashgar.office, 150) };
const hotel: Place = { id: 2, name: '喀什某宾馆', category: 'hotel', unitId: null, shape: circle(kashgar.hotel, 120) };
const market: Place = { id: 3, name: '某市场', category: 'custom', unitId: null, shape: circle(kashgar.market, 150) };
const places = [office, hotel, market];

/** Office 09:00-09:20, then a drive to the hotel and 30 minutes there: one trip, about 09:20 to 09:27. */
function officeToHotel(): FixSpec[] {
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-02 09:00'), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  return [...atOffice, ...toHotel, ...park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 30 })];
}

const point = (name: string, at: { latitude: number; longitude: number }) => ({ placeId: null, name, latitude: at.latitude, longitude: at.longitude, radiusM: 300 });

function order(overrides: Partial<TripOrderFact> = {}): TripOrderFact {
  return {
    id: 7,
    vehicleId: testVehicle.id,
    driverId: null,
    purpose: '调研',
    destinations: [point('宾馆会议', kashgar.hotel)],
    start: beijing('2026-03-02 09:00'),
    end: beijing('2026-03-02 12:00'),
    outOfArea: false,
    holidayUse: false,
    ...overrides,
  };
}

function verdictOf(scenario: Omit<Parameters<typeof runEngine>[0], 'fixes'>, fixes = officeToHotel()) {
  const run = runEngine({ places, ...scenario, fixes: ruleFixes(fixes) });
  assert.equal(run.trips.length, 1, 'one trip');
  return { verdict: run.trips[0]!.trip.verdict, reason: run.trips[0]!.reason, orderId: run.trips[0]!.trip.order?.id ?? null };
}

test('trip verdict table', () => {
  const cases: { name: string; scenario: Omit<Parameters<typeof runEngine>[0], 'fixes'>; verdict: string; reason: string }[] = [
    { name: 'approved order to the hotel', scenario: { orders: [order()] }, verdict: 'covered', reason: 'order_covers_trip' },
    { name: 'no order', scenario: {}, verdict: 'no_order', reason: 'no_approved_order' },
    { name: 'order of another vehicle', scenario: { orders: [order({ vehicleId: 99 })] }, verdict: 'no_order', reason: 'no_approved_order' },
    { name: 'order later that day', scenario: { orders: [order({ start: beijing('2026-03-02 14:00'), end: beijing('2026-03-02 17:00') })] }, verdict: 'outside_window', reason: 'started_before_window' },
    { name: 'order the next morning', scenario: { orders: [order({ start: beijing('2026-03-03 09:00'), end: beijing('2026-03-03 12:00') })] }, verdict: 'no_order', reason: 'no_approved_order' },
    { name: 'order ending before the trip', scenario: { orders: [order({ start: beijing('2026-03-02 07:00'), end: beijing('2026-03-02 08:45') })] }, verdict: 'outside_window', reason: 'ended_after_window' },
    { name: 'order to the market', scenario: { orders: [order({ destinations: [point('市场', kashgar.market)] })] }, verdict: 'off_destinations', reason: 'ended_off_destinations' },
    {
      name: 'driver card of another unit',
      scenario: { orders: [order()], unitDriverCards: new Map([[testVehicle.unitId, new Set(['C-OWN'])]]), driverReports: [{ time: beijing('2026-03-02 08:55'), cardNumber: 'C-OTHER', driverName: '外单位', state: 'in', rawFrameId: null }] },
      verdict: 'wrong_driver',
      reason: 'driver_not_registered',
    },
    {
      name: 'driver card of the unit',
      scenario: { orders: [order()], unitDriverCards: new Map([[testVehicle.unitId, new Set(['C-OWN'])]]), driverReports: [{ time: beijing('2026-03-02 08:55'), cardNumber: 'C-OWN', driverName: '本单位', state: 'in', rawFrameId: null }] },
      verdict: 'covered',
      reason: 'order_covers_trip',
    },
  ];
  for (const c of cases) {
    const got = verdictOf(c.scenario);
    assert.equal(got.verdict, c.verdict, c.name);
    assert.equal(got.reason, c.reason, c.name);
  }
});

test('order window grace covers a late return', () => {
  const got = verdictOf({ orders: [order({ start: beijing('2026-03-02 08:00'), end: beijing('2026-03-02 09:05') })] });
  assert.equal(got.verdict, 'covered', 'the trip ends within 30 minutes of the window');
});

test('leaving the prefecture needs out-of-area approval', () => {
  // A small "prefecture" around the office: the hotel lies 1.9 km outside it, beyond the 500 m margin.
  const boundary: Place = { id: 9, name: '测试边界', category: 'prefecture_boundary', unitId: null, shape: circle(kashgar.office, 300) };
  const withBoundary = [...places, boundary];
  assert.equal(verdictOf({ places: withBoundary, orders: [order()] }).verdict, 'out_of_area_unapproved');
  assert.equal(verdictOf({ places: withBoundary, orders: [order({ outOfArea: true })] }).verdict, 'covered');
  assert.equal(verdictOf({ places: withBoundary, orders: [order()] }).reason, 'left_prefecture_without_approval');
});

test('destinations visited in another order', () => {
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-02 09:00'), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 20 });
  const toMarket = drive({ from: kashgar.hotel, to: kashgar.market, start: endOf(atHotel) });
  const atMarket = park({ at: kashgar.market, start: endOf(toMarket), minutes: 20 });
  const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(atMarket) });
  const home = park({ at: kashgar.office, start: endOf(back), minutes: 20 });
  // The order lists the market first; the car goes to the hotel first.
  const listed = order({ destinations: [{ ...point('市场', kashgar.market), placeId: market.id }, point('宾馆会议', kashgar.hotel)] });
  const run = runEngine({ places, orders: [listed], fixes: ruleFixes([...atOffice, ...toHotel, ...atHotel, ...toMarket, ...atMarket, ...back, ...home]) });
  assert.equal(run.trips.length, 3);
  assert.deepEqual(run.trips.map((t) => t.trip.verdict), ['covered', 'covered', 'covered']);
  assert.deepEqual(run.trips.map((t) => t.trip.toStop.places[0]?.place.name), ['喀什某宾馆', '某市场', '地区行政公署']);
});
