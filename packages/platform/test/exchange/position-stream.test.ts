import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { periodPositions } from '../../src/exchange/position-stream.ts';
import { insertFleetVehicle, insertPositions } from '../api/fixtures.ts';
import { openSite, periodFrom, type Site } from './harness.ts';

describe('exchange period positions', () => {
  let site: Site;
  before(async () => {
    site = await openSite('paging');
  });
  after(() => site.close());

  it('merges many pages of three vehicles into device-time order', async () => {
    const perVehicle = 150;
    for (const [index, plate] of ['新Q10001', '新Q10002', '新Q10003'].entries()) {
      const ids = await insertFleetVehicle(site.store.db, '喀什地区机关事务管理局', plate, `01390000100${index}`);
      // Each vehicle reports every 3 s, offset by one second from the next vehicle.
      await insertPositions(site.store, ids, Array.from({ length: perVehicle }, (_, i) => ({ deviceTime: periodFrom + i * 3000 + index * 1000 })));
    }
    const times: number[] = [];
    const ids = new Set<number>();
    for await (const position of periodPositions(site.store, periodFrom, periodFrom + 86_400_000)) {
      times.push(Date.parse(position.deviceTime!));
      ids.add(position.id);
    }
    assert.equal(times.length, 3 * perVehicle);
    assert.equal(ids.size, 3 * perVehicle);
    assert.deepEqual(times, times.toSorted((x, y) => x - y));
    assert.equal(times[0], periodFrom);
    assert.equal(times.at(-1), periodFrom + (perVehicle - 1) * 3000 + 2000);
  });
});
