import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startPlatform } from '../../src/platform.ts';
import { episodeDay, powerCut, residentialNight, venueEvening, type Episode } from '../../src/demo/episodes.ts';
import type { Place } from '../../src/rules/places.ts';

const hourMs = 3_600_000;
const home: Place = { id: 1, name: '停车场', category: 'designated_parking', unitId: 1, shape: { kind: 'circle', latitude: 39.468, longitude: 75.975, radiusM: 50 } };
const venue: Place = { id: 2, name: 'KTV', category: 'entertainment', unitId: null, shape: { kind: 'circle', latitude: 39.463, longitude: 75.995, radiusM: 40 } };

function assertIncreasing(episode: Episode): void {
  for (let i = 1; i < episode.fixes.length; i++) {
    assert.ok(episode.fixes[i]!.time > episode.fixes[i - 1]!.time, `${episode.name}: fix ${i} is not after fix ${i - 1}`);
  }
}

describe('demo episodes', () => {
  test('day is yesterday in Beijing after 09:00', () => {
    // 2026-12-04 10:00 Beijing time is 02:00 UTC.
    assert.equal(episodeDay(Date.parse('2026-12-04T02:00:00Z')), Date.parse('2026-12-02T16:00:00Z'));
  });

  test('day is two days back before 09:00 Beijing', () => {
    // 2026-12-04 08:30 Beijing time is 2026-12-04 00:30 UTC, and the night episode ends at 08:30.
    assert.equal(episodeDay(Date.parse('2026-12-04T00:30:00Z')), Date.parse('2026-12-01T16:00:00Z'));
  });

  test('episodes end before now and go forward in time', () => {
    for (const now of [Date.parse('2026-12-04T00:30:00Z'), Date.parse('2026-12-04T01:05:00Z'), Date.parse('2026-12-04T15:59:00Z')]) {
      const day = episodeDay(now);
      for (const episode of [venueEvening(day, { home, target: venue }), residentialNight(day, { home, target: venue }), powerCut(day, { home, target: home })]) {
        assertIncreasing(episode);
        assert.ok(episode.fixes.at(-1)!.time < now, `${episode.name} ends after ${new Date(now).toISOString()}`);
      }
    }
  });

  test('power cut sets alarm bit 8 for 25 minutes', () => {
    const episode = powerCut(Date.parse('2026-12-02T16:00:00Z'), { home, target: home });
    const cut = episode.fixes.filter((fix) => (fix.alarm & (1 << 8)) !== 0);
    assert.ok(cut.length > 0);
    assert.equal(cut.at(-1)!.time - cut[0]!.time, 24 * 60_000);
    assert.equal(cut[0]!.time, Date.parse('2026-12-02T16:00:00Z') + 15 * hourMs);
  });

  test('serve --demo shows the episodes as alerts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-episodes-'));
    const config = defaultConfig({ dataDir: dir, httpHost: '127.0.0.1', httpPort: 0, jt808Host: '127.0.0.1', jt808Port: 0 });
    const platform = await startPlatform(config, createLogger({ level: 'silent' }), { demo: { vehicles: 2, intervalS: 30 } });
    try {
      const found = new Set<string>();
      const expected = ['non_official_place', 'off_hours_parking', 'device_power_cut'];
      for (let i = 0; i < 600 && !expected.every((rule) => found.has(rule)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const rows = await platform.store.db.selectFrom('alerts').select('rule').execute();
        for (const row of rows) found.add(row.rule);
      }
      for (const rule of expected) assert.ok(found.has(rule), `no ${rule} alert; found ${[...found].join(', ')}`);
    } finally {
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
