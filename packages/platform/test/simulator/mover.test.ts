import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteMover, seededRandom } from '../../src/simulator/mover.ts';
import { bearingDeg, distanceM, kashgarRoutes, type Route } from '../../src/simulator/routes.ts';

const straight: Route = {
  name: 'straight test road',
  points: [
    { latitude: 39.46, longitude: 75.99 },
    { latitude: 39.46, longitude: 76.09 },
  ],
  minKmh: 30,
  maxKmh: 60,
};

describe('route mover', () => {
  test('moves speed x interval per step on a straight road', () => {
    const mover = new RouteMover(straight, { seed: 3, parkS: 60 });
    let previous = mover.sample();
    for (let i = 0; i < 20; i++) {
      const sample = mover.step(5);
      if (!sample.acc || !previous.acc) {
        previous = sample;
        continue;
      }
      const expected = (sample.speedKmh / 3.6) * 5;
      const moved = distanceM(previous, sample);
      assert.ok(Math.abs(moved - expected) < 0.5, `step ${i}: moved ${moved.toFixed(2)} m, expected ${expected.toFixed(2)} m`);
      assert.ok(Math.abs(sample.odometerM - previous.odometerM - expected) < 1e-6, `odometer step ${i}`);
      previous = sample;
    }
  });

  test('keeps town speeds within 30-60 km/h on every Kashgar route', () => {
    for (const route of kashgarRoutes) {
      const mover = new RouteMover(route, { seed: 11 });
      const samples = Array.from({ length: 200 }, () => mover.step(5));
      for (const [i, sample] of samples.entries()) {
        // The step that arrives at an end (the next sample is parked) is cut short, so it is slower.
        const arriving = samples[i + 1]?.acc === false;
        if (!sample.acc || arriving) continue;
        assert.ok(sample.speedKmh >= 30, `${route.name}: ${sample.speedKmh} km/h`);
        assert.ok(sample.speedKmh <= 60, `${route.name}: ${sample.speedKmh} km/h`);
      }
    }
  });

  test('reports a course from 0 to 359 that follows the bearing', () => {
    const mover = new RouteMover(kashgarRoutes[2]!, { seed: 5 });
    let previous = mover.sample();
    for (let i = 0; i < 300; i++) {
      const sample = mover.step(5);
      assert.ok(Number.isInteger(sample.course), `course ${sample.course}`);
      assert.ok(sample.course >= 0, `course ${sample.course}`);
      assert.ok(sample.course <= 359, `course ${sample.course}`);
      if (sample.acc && previous.acc && distanceM(previous, sample) > 20) {
        const bearing = bearingDeg(previous, sample);
        const difference = Math.abs(((sample.course - bearing + 540) % 360) - 180);
        // A step that rounds a vertex ends on the next segment, so its chord bearing may differ more.
        assert.ok(difference < 60, `course ${sample.course} vs bearing ${bearing.toFixed(1)}`);
      }
      previous = sample;
    }
  });

  test('gives the same samples for the same seed', () => {
    const a = new RouteMover(kashgarRoutes[3]!, { seed: 42 });
    const b = new RouteMover(kashgarRoutes[3]!, { seed: 42 });
    const c = new RouteMover(kashgarRoutes[3]!, { seed: 43 });
    const runA = Array.from({ length: 50 }, () => a.step(5));
    const runB = Array.from({ length: 50 }, () => b.step(5));
    const runC = Array.from({ length: 50 }, () => c.step(5));
    assert.deepEqual(runA, runB);
    assert.notDeepEqual(runA, runC);
  });

  test('parks with ACC off at the end, then drives back', () => {
    const mover = new RouteMover(straight, { seed: 9, parkS: 20, parkedDriftM: 30 });
    const samples = Array.from({ length: 400 }, () => mover.step(5));
    const firstParked = samples.findIndex((s) => !s.acc);
    assert.ok(firstParked > 0, 'the vehicle reaches an end and parks');
    const parked = samples.slice(firstParked, firstParked + 4);
    for (const sample of parked) {
      assert.equal(sample.speedKmh, 0);
      assert.ok(distanceM(sample, samples[firstParked - 1]!) <= 30.5, 'parked drift stays within 30 m');
    }
    assert.equal(samples[firstParked + 4]!.acc, true, 'drives again after 20 s');
    const before = samples[firstParked - 1]!.course;
    const after = samples[firstParked + 5]!.course;
    assert.equal(Math.abs(((after - before + 540) % 360) - 180), 180, 'drives back in the opposite direction');
  });

  test('drives from startAt to the route', () => {
    // 3 km north of the middle of the straight road.
    const startAt = { latitude: 39.46 + 3000 / 111_320, longitude: 76.04 };
    const mover = new RouteMover(straight, { seed: 4, startAt });
    assert.ok(distanceM(mover.sample(), startAt) < 0.01, 'the first sample is the start point');
    assert.equal(mover.approaching, true);

    let previous = mover.sample();
    let steps = 0;
    while (mover.approaching) {
      const sample = mover.step(5);
      steps++;
      assert.equal(sample.acc, true);
      assert.ok(distanceM(previous, sample) <= (60 / 3.6) * 5 + 0.5, `step ${steps}: ${distanceM(previous, sample).toFixed(1)} m in 5 s is at most 60 km/h`);
      assert.ok(Math.abs(((sample.course - 180 + 540) % 360) - 180) < 1, `heads south, course ${sample.course}`);
      previous = sample;
      assert.ok(steps < 200, 'reaches the route');
    }
    assert.ok(Math.abs(previous.latitude - 39.46) < 1e-6, 'arrives on the road');
    assert.ok(Math.abs(previous.longitude - 76.04) < 1e-4, 'at the point nearest to the start');
    assert.ok(Math.abs(previous.odometerM - 3000) < 20, `drove ${previous.odometerM.toFixed(0)} m`);

    const onRoad = mover.step(5);
    assert.ok(Math.abs(onRoad.latitude - 39.46) < 1e-6, 'then follows the road');
    assert.ok(distanceM(previous, onRoad) > 30, 'and keeps driving');
  });

  test('starts on the route when startAt is on it', () => {
    const startAt = { latitude: 39.46 + 10 / 111_320, longitude: 76.02 };
    const mover = new RouteMover(straight, { seed: 4, startAt });
    assert.equal(mover.approaching, false, 'a start within the parked drift of the road is on it');
    assert.ok(Math.abs(mover.sample().longitude - 76.02) < 1e-6, 'at the point nearest to the start');
  });

  test('rejects a route with fewer than two points', () => {
    assert.throws(() => new RouteMover({ ...straight, points: [straight.points[0]!] }, { seed: 1 }), /at least 2 points/);
  });

  test('seeded random stays in [0, 1)', () => {
    const random = seededRandom(0);
    for (let i = 0; i < 1000; i++) {
      const value = random();
      assert.ok(value >= 0, `${value}`);
      assert.ok(value < 1, `${value}`);
    }
  });
});
