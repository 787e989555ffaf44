import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCalendarTable } from '../../../src/rules/calendar.ts';
import { chineseDaysSeedRows } from '../../../src/rules/calendar-seed.ts';
import { localMidnight, workingOverlap, zoneOffsetMs } from '../../../src/rules/integrity/working-time.ts';

const rows = chineseDaysSeedRows();
const beijingCalendar = buildCalendarTable(rows);
const hours = [{ start: 600, end: 840 }, { start: 960, end: 1200 }];
const beijing = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00+08:00`);

describe('working time overlap', () => {
  test('Beijing midnight is 16:00 UTC', () => {
    assert.equal(localMidnight('2026-03-09', 'Asia/Shanghai'), Date.parse('2026-03-08T16:00:00Z'));
    assert.equal(zoneOffsetMs(Date.parse('2026-03-09T01:02:03.456Z'), 'Asia/Shanghai'), 8 * 3_600_000);
  });

  test('counts both windows of a workday', () => {
    const overlap = workingOverlap(beijing('2026-03-09 00:00'), beijing('2026-03-10 00:00'), beijingCalendar, hours);
    assert.equal(overlap.workingMs, 8 * 3_600_000);
    assert.equal(overlap.workingDays, 1);
  });

  test('cuts windows at span ends', () => {
    const overlap = workingOverlap(beijing('2026-03-09 13:00'), beijing('2026-03-09 17:15'), beijingCalendar, hours);
    assert.equal(overlap.workingMs, 2.25 * 3_600_000, '13:00-14:00 and 16:00-17:15');
  });

  test('UTC evening is next Beijing day', () => {
    // 2026-02-14 is a working Saturday and 2026-02-15 starts the Spring Festival holiday.
    const overlap = workingOverlap(Date.parse('2026-02-14T01:00:00Z'), Date.parse('2026-02-15T06:00:00Z'), beijingCalendar, hours);
    assert.equal(overlap.workingMs, 8 * 3_600_000, 'only Saturday 14 February is worked');
    assert.equal(overlap.workingDays, 1);
  });

  test('holiday week counts nothing', () => {
    assert.equal(workingOverlap(beijing('2026-10-01 00:00'), beijing('2026-10-08 00:00'), beijingCalendar, hours).workingMs, 0);
  });

  test('configured zone shifts windows', () => {
    const utcCalendar = buildCalendarTable(rows, 'UTC');
    const overlap = workingOverlap(Date.parse('2026-03-09T10:00:00Z'), Date.parse('2026-03-09T12:00:00Z'), utcCalendar, hours);
    assert.equal(overlap.workingMs, 2 * 3_600_000, '10:00-12:00 UTC lies in the UTC working morning');
  });

  test('empty or reversed span is zero', () => {
    assert.equal(workingOverlap(beijing('2026-03-09 12:00'), beijing('2026-03-09 12:00'), beijingCalendar, hours).workingMs, 0);
    assert.equal(workingOverlap(beijing('2026-03-09 12:00'), beijing('2026-03-09 11:00'), beijingCalendar, hours).workingMs, 0);
  });
});

describe('working window across midnight', () => {
  test('night shift runs into next day', () => {
    // A 22:00-02:00 shift that starts on Monday counts its hours after midnight to Monday.
    const overlap = workingOverlap(beijing('2026-03-09 21:00'), beijing('2026-03-10 03:00'), beijingCalendar, [{ start: 1320, end: 120 }]);
    assert.equal(overlap.workingMs, 4 * 3_600_000);
  });

  test('span starting after midnight counts shift', () => {
    const overlap = workingOverlap(beijing('2026-03-10 00:30'), beijing('2026-03-10 03:00'), beijingCalendar, [{ start: 1320, end: 120 }]);
    assert.equal(overlap.workingMs, 1.5 * 3_600_000, 'Monday night shift until 02:00');
  });
});
