import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/db.ts';
import { buildCalendarTable, coveredYears, dayType, loadCalendar, localDate, missingYears, reseedCalendar, setCalendarDay, type CalendarTable } from '../../src/rules/calendar.ts';
import { AppError } from '../../src/errors.ts';

let dir: string;
let store: Store;
let table: CalendarTable;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-calendar-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  table = await loadCalendar(store.db);
});
after(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const typeOf = (when: string | number | Date, t: CalendarTable = table) => dayType(t, when).type;

describe('calendar seeded from chinese-days', () => {
  test('marks the 2026 Spring Festival days as holidays', () => {
    for (let day = 15; day <= 23; day++) assert.equal(typeOf(`2026-02-${day}`), 'holiday', `2026-02-${day}`);
    const festival = dayType(table, '2026-02-17');
    assert.equal(festival.type === 'holiday' && festival.name, '春节 Spring Festival');
  });

  test('counts the Saturdays worked for the Spring Festival as workdays', () => {
    assert.equal(typeOf('2026-02-14'), 'workday');
    assert.equal(typeOf('2026-02-28'), 'workday');
    assert.equal(typeOf('2026-02-24'), 'workday');
  });

  test('marks National Day 2026 and its adjusted working days', () => {
    for (let day = 1; day <= 7; day++) assert.equal(typeOf(`2026-10-0${day}`), 'holiday', `2026-10-0${day}`);
    assert.equal(typeOf('2026-09-20'), 'workday', 'Sunday 2026-09-20 is worked');
    assert.equal(typeOf('2026-10-10'), 'workday', 'Saturday 2026-10-10 is worked');
    assert.equal(typeOf('2026-10-11'), 'weekend');
  });

  test('treats a plain weekend as weekend and a plain weekday as workday', () => {
    assert.equal(typeOf('2026-03-07'), 'weekend');
    assert.equal(typeOf('2026-03-08'), 'weekend');
    assert.equal(typeOf('2026-03-09'), 'workday');
  });

  test('covers 2004 to 2026 and reports 2027 missing', () => {
    const years = coveredYears(table);
    assert.equal(years[0], 2004);
    assert.equal(years.at(-1), 2026);
    assert.deepEqual(missingYears(table, 2025, 2028), [2027, 2028]);
  });

  test('returns unknown with the reason for a day in 2027', () => {
    const newYear = dayType(table, '2027-01-01');
    assert.equal(newYear.type, 'unknown');
    assert.equal(newYear.type === 'unknown' && newYear.reason, 'year_not_covered');
    assert.match(newYear.type === 'unknown' ? newYear.message : '', /2027/);
    assert.equal(typeOf('2027-03-10'), 'unknown', 'a plain Wednesday of 2027 is not assumed to be a workday');
  });
});

describe('calendar time zone', () => {
  test('evaluates instants in Beijing time by default', () => {
    assert.equal(localDate(Date.parse('2026-02-14T15:59:59.999Z')), '2026-02-14');
    assert.equal(localDate(Date.parse('2026-02-14T16:00:00Z')), '2026-02-15');
    assert.equal(typeOf(Date.parse('2026-02-14T17:00:00Z')), 'holiday', 'Beijing 2026-02-15 01:00');
    assert.equal(typeOf(new Date('2026-02-14T15:00:00Z')), 'workday', 'Beijing 2026-02-14 23:00, a working Saturday');
  });

  test('evaluates instants in a configured time zone', () => {
    const utcTable = buildCalendarTable([...table.days.values()], 'UTC');
    assert.equal(typeOf(Date.parse('2026-02-14T17:00:00Z'), utcTable), 'workday');
  });

  test('rejects an unknown time zone and malformed dates', () => {
    assert.throws(() => buildCalendarTable([], 'Asia/Kashgar-Nowhere'), (e: unknown) => e instanceof AppError && e.code === 'GONGCHE_ERR_VALIDATION');
    assert.throws(() => dayType(table, '2026-02-30'), AppError);
    assert.throws(() => dayType(table, '2026/02/14'), AppError);
    assert.throws(() => dayType(table, Number.NaN), AppError);
    assert.throws(() => missingYears(table, 2028, 2027), AppError);
  });
});

describe('administrator rows', () => {
  test('an administrator row wins over the seed, also after reseeding', async () => {
    await setCalendarDay(store.db, { date: '2026-02-23', kind: 'workday', name: '  Unit duty day  ' });
    await reseedCalendar(store.db);
    const reloaded = await loadCalendar(store.db);
    const day = dayType(reloaded, '2026-02-23');
    assert.equal(day.type, 'workday');
    assert.equal(day.type === 'workday' && day.name, 'Unit duty day');
    const row = await store.db.selectFrom('calendar_days').selectAll().where('date', '=', '2026-02-23').executeTakeFirstOrThrow();
    assert.equal(row.source, 'admin');
    assert.equal(dayType(reloaded, '2026-02-22').type, 'holiday', 'seed rows next to it stay');
  });

  test('entering a 2027 holiday makes 2027 covered', async () => {
    await setCalendarDay(store.db, { date: '2027-01-01', kind: 'holiday', name: '元旦' });
    const reloaded = await loadCalendar(store.db);
    assert.equal(dayType(reloaded, '2027-01-01').type, 'holiday');
    assert.deepEqual(missingYears(reloaded, 2026, 2028), [2028]);
    await store.db.deleteFrom('calendar_days').where('date', '=', '2027-01-01').execute();
  });

  test('rejects an invalid date, kind or empty name', async () => {
    await assert.rejects(setCalendarDay(store.db, { date: '2027-13-01', kind: 'holiday', name: 'x' }), AppError);
    await assert.rejects(setCalendarDay(store.db, { date: '2027-01-01', kind: 'weekend' as 'holiday', name: 'x' }), AppError);
    await assert.rejects(setCalendarDay(store.db, { date: '2027-01-01', kind: 'holiday', name: ' ' }), AppError);
  });
});
