import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { bearer, errorCode, startHarness, type Harness } from '../api/harness.ts';
import { calendarStatus } from '../../src/calendar/admin.ts';
import { dayType, loadCalendar } from '../../src/rules/calendar.ts';

let h: Harness;
const tokens: Record<string, string> = {};
const call = (role: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(tokens[role]!), ...(payload && { payload }) });
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

before(async () => {
  h = await startHarness();
  tokens.admin = await h.loginAs('bureau_admin');
  tokens.operator = await h.loginAs('unit_operator');
  tokens.sysadmin = await h.loginAs('sys_admin');
});
after(async () => h.close());

// The 2027 schedule below is made up for the test; the State Council had not published one.
const schedule2027 = {
  days: [
    { date: '2027-01-01', kind: 'holiday', name: '元旦' },
    { from: '2027-02-06', to: '2027-02-12', kind: 'holiday', name: '春节' },
    { date: '2027-02-14', kind: 'workday', name: '春节' },
    { from: '2027-10-01', to: '2027-10-07', kind: 'holiday', name: '国庆节' },
    { date: '2027-10-09', kind: 'workday', name: '国庆节' },
  ],
};

describe('calendar status', () => {
  test('flags a missing next year', async () => {
    const june = await calendarStatus(h.store.db, 'Asia/Shanghai', Date.parse('2026-06-01T04:00:00Z'));
    assert.deepEqual(june.missingYears, [2027]);
    assert.equal(june.warnings[0]!.severity, 'warning');
    assert.match(june.warnings[0]!.messageZh, /2027 年节假日安排尚未录入/);
    const december = await calendarStatus(h.store.db, 'Asia/Shanghai', Date.parse('2026-12-01T04:00:00Z'));
    assert.equal(december.warnings[0]!.severity, 'critical');
  });

  test('uses the local date at midnight', async () => {
    // 2026-12-31T16:30Z is already 2027-01-01 00:30 in Beijing: 2027 is the current year there.
    const status = await calendarStatus(h.store.db, 'Asia/Shanghai', Date.parse('2026-12-31T16:30:00Z'));
    assert.equal(status.today, '2027-01-01');
    assert.deepEqual(status.missingYears, [2027, 2028]);
    assert.deepEqual(status.warnings.map((w) => w.severity), ['critical', 'warning']);
  });

  test('answers over the API', async () => {
    const response = await call('operator', 'GET', '/api/calendar/status?from=2025&to=2028');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json().missingYears, [2027, 2028]);
    assert.ok(response.json().coveredYears.includes(2026));
    assert.equal((await call('sysadmin', 'GET', '/api/calendar/status')).statusCode, 403);
  });
});

describe('calendar administration', () => {
  test('lists a seeded year', async () => {
    const year = (await call('operator', 'GET', '/api/calendar/years/2026')).json();
    assert.equal(year.covered, true);
    assert.deepEqual(year.days.find((d: { date: string }) => d.date === '2026-02-14'), { date: '2026-02-14', kind: 'workday', name: '春节 Spring Festival', source: 'seed' });
  });

  test('overrides a day and restores the seed', async () => {
    assert.equal((await call('operator', 'PUT', '/api/calendar/days/2026-10-07', { kind: 'workday', name: '国庆' })).statusCode, 403);
    const set = await call('admin', 'PUT', '/api/calendar/days/2026-10-07', { kind: 'workday', name: '调整为上班' });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json().source, 'admin');
    const deleted = await call('admin', 'DELETE', '/api/calendar/days/2026-10-07');
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().restored.kind, 'holiday');
    assert.equal(deleted.json().restored.source, 'seed');
    const seedDelete = await call('admin', 'DELETE', '/api/calendar/days/2026-10-07');
    assert.equal(seedDelete.statusCode, 409);
    const entries = await h.store.db.selectFrom('audit_log').select('action').where('object_type', '=', 'calendar_day').where('object_id', '=', '2026-10-07').execute();
    assert.deepEqual(entries.map((e) => e.action), ['calendar.day_set', 'calendar.day_deleted']);
  });

  test('deleting an added day leaves none', async () => {
    await call('admin', 'PUT', '/api/calendar/days/2026-07-01', { kind: 'holiday', name: '地方纪念日' });
    const deleted = (await call('admin', 'DELETE', '/api/calendar/days/2026-07-01')).json();
    assert.equal(deleted.restored, null);
    assert.equal((await call('admin', 'DELETE', '/api/calendar/days/2026-07-01')).statusCode, 404);
  });

  test('lists every bad schedule entry', async () => {
    const bad = { days: [...schedule2027.days, { date: '2027-03-01', kind: 'workday', name: '误填' }, { date: '2028-01-01', kind: 'holiday', name: '元旦' }, { date: '2027-02-06', kind: 'holiday', name: '重复' }, { date: '2027-05-01', kind: '放风', name: '劳动节' }] };
    const response = await call('admin', 'POST', '/api/calendar/import', { year: 2027, format: 'json', contentBase64: b64(JSON.stringify(bad)) });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_IMPORT_ROWS');
    assert.deepEqual(response.json().error.details.map((d: { location: string; value: string }) => [d.location, d.value]), [
      ['entry 6', '2027-03-01'],
      ['entry 7', '2028-01-01'],
      ['entry 8', '2027-02-06'],
      ['entry 9', '放风'],
    ]);
    assert.equal((await call('admin', 'GET', '/api/calendar/years/2027')).json().covered, false, 'nothing stored');
  });

  test('imports a year and classifies it', async () => {
    const response = await call('admin', 'POST', '/api/calendar/import', { year: 2027, format: 'json', contentBase64: b64(JSON.stringify(schedule2027)) });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual([response.json().holidays, response.json().workdays], [15, 2]);
    const calendar = await loadCalendar(h.store.db);
    assert.equal(dayType(calendar, '2027-02-14').type, 'workday', 'adjusted working Sunday');
    assert.equal(dayType(calendar, '2027-02-21').type, 'weekend', 'ordinary Sunday');
    assert.equal(dayType(calendar, '2027-02-08').type, 'holiday');
    // 2027-02-05T16:30Z is 00:30 on 6 February in Beijing, the first day of the break.
    assert.equal(dayType(calendar, Date.parse('2027-02-05T16:30:00Z')).type, 'holiday');
    assert.deepEqual((await call('admin', 'GET', '/api/calendar/status?from=2027&to=2027')).json().missingYears, []);
  });

  test('imports a GBK CSV replacing the year', async () => {
    const csv = iconv.encode('日期,类型,名称\r\n2027-01-01,放假,元旦\r\n2027-02-06~2027-02-13,放假,春节\r\n2027-02-20,上班,春节\r\n', 'gbk');
    const dryRun = (await call('admin', 'POST', '/api/calendar/import', { year: 2027, format: 'csv', contentBase64: b64(csv), dryRun: true })).json();
    assert.deepEqual([dryRun.imported, dryRun.holidays, dryRun.replaced], [false, 9, 17]);
    const response = await call('admin', 'POST', '/api/calendar/import', { year: 2027, format: 'csv', contentBase64: b64(csv) });
    assert.equal(response.statusCode, 200, response.body);
    const year = (await call('admin', 'GET', '/api/calendar/years/2027')).json();
    assert.equal(year.days.length, 10);
    assert.ok(year.days.every((d: { source: string }) => d.source === 'admin'));
    assert.ok(!year.days.some((d: { date: string }) => d.date.startsWith('2027-10')), 'the previous rows of the year are gone');
  });
});
