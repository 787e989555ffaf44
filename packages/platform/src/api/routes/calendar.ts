import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { assertCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { errorResponses } from '../schemas.ts';
import { audit } from './rollout-common.ts';
import { fileContent, importRowsError } from './facts-common.ts';
import { setCalendarDay } from '../../rules/calendar.ts';
import { loadRuleSettings } from '../../rules/templates/settings.ts';
import { calendarStatus, deleteOverride, listYear } from '../../calendar/admin.ts';
import { importYear } from '../../calendar/import.ts';

const dayOutput = z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string(), source: z.enum(['seed', 'admin']) });
const yearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const dateParams = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD') });
const dayInput = z.object({
  kind: z.enum(['holiday', 'workday']).describe('holiday: a statutory day off; workday: a Saturday or Sunday worked (调休上班)'),
  name: z.string().trim().min(1).max(50).describe('e.g. 春节'),
});
const importBody = z.object({
  year: z.number().int().min(2000).max(2100),
  format: z.enum(['json', 'csv']),
  contentBase64: fileContent,
  dryRun: z.boolean().default(false),
});
const statusQuery = z.object({
  from: z.coerce.number().int().min(2000).max(2100).optional().describe('First year to check (default: this year)'),
  to: z.coerce.number().int().min(2000).max(2100).optional().describe('Last year to check (default: next year)'),
});
const statusOutput = z.object({
  timeZone: z.string(),
  today: z.string(),
  coveredYears: z.array(z.number()),
  checkedYears: z.object({ from: z.number(), to: z.number() }),
  missingYears: z.array(z.number()),
  warnings: z.array(z.object({ year: z.number(), severity: z.enum(['critical', 'warning']), message: z.string(), messageZh: z.string() })),
});

/** Holiday calendar administration: statutory holidays and adjusted working days (调休). */
export async function calendarRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['calendar'];

  app.get('/api/calendar/status', {
    schema: {
      tags,
      summary: 'List the years without a holiday schedule; a dashboard must show these warnings prominently',
      description: 'Days of a year without a schedule are "unknown" to the rules, never ordinary weekdays. A missing current year is critical; next year is critical from December.',
      querystring: statusQuery,
      response: { 200: statusOutput, ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'calendar.read');
    const { timeZone } = await loadRuleSettings(db);
    const { from, to } = request.query;
    const range = from === undefined && to === undefined ? undefined : { from: from ?? to!, to: to ?? from! };
    const status = await calendarStatus(db, timeZone, Date.now(), range);
    if (status.warnings.some((w) => w.severity === 'critical')) request.log.warn({ missingYears: status.missingYears }, 'holiday calendar misses a year');
    return status;
  });

  app.get('/api/calendar/years/:year', {
    schema: { tags, summary: 'List the holidays and adjusted working days of a year', params: yearParams, response: { 200: z.object({ year: z.number(), covered: z.boolean(), days: z.array(dayOutput) }), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'calendar.read');
    return listYear(db, request.params.year);
  });

  app.put('/api/calendar/days/:date', {
    schema: { tags, summary: 'Enter or override one day as a holiday or an adjusted working day', params: dateParams, body: dayInput, response: { 200: dayOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'calendar.write');
    const { date } = request.params;
    const before = await db.selectFrom('calendar_days').selectAll().where('date', '=', date).executeTakeFirst();
    await setCalendarDay(db, { date, kind: request.body.kind, name: request.body.name });
    const row = await db.selectFrom('calendar_days').selectAll().where('date', '=', date).executeTakeFirstOrThrow();
    request.log.info({ date, kind: row.kind, userId: user.id }, 'calendar day set');
    audit(store, request, AUDIT_ACTIONS.calendarDaySet, 'calendar_day', date, { kind: row.kind, name: row.name, before: before ?? null });
    return row as z.infer<typeof dayOutput>;
  });

  app.delete('/api/calendar/days/:date', {
    schema: {
      tags,
      summary: 'Delete an administrator\'s entry; the published (seed) entry of that date, if any, comes back',
      params: dateParams,
      response: { 200: z.object({ removed: dayOutput, restored: dayOutput.nullable() }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'calendar.write');
    const result = await deleteOverride(db, request.params.date);
    request.log.info({ date: request.params.date, restored: result.restored !== null, userId: user.id }, 'calendar override deleted');
    audit(store, request, AUDIT_ACTIONS.calendarDayDeleted, 'calendar_day', request.params.date, { removed: result.removed, restored: result.restored });
    return result;
  });

  app.post('/api/calendar/import', {
    schema: {
      tags,
      summary: 'Replace a year\'s schedule with a JSON or CSV file (base64)',
      description: 'JSON: {"days": [{"date" or "from"/"to", "kind": "holiday"|"workday", "name"}]}. CSV: date,kind,name with ranges written 2027-02-05~2027-02-11. All or nothing: any bad entry stores nothing (400 GONGCHE_ERR_IMPORT_ROWS).',
      body: importBody,
      response: { 200: z.object({ imported: z.boolean(), year: z.number(), holidays: z.number(), workdays: z.number(), replaced: z.number(), errors: z.array(z.any()) }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'calendar.write');
    const { year, format, contentBase64, dryRun } = request.body;
    const result = await importYear(db, year, format, Buffer.from(contentBase64, 'base64'), { dryRun });
    if (result.errors.length > 0) throw importRowsError(`${format} schedule`, result.errors);
    if (result.imported) {
      request.log.info({ year, holidays: result.holidays, workdays: result.workdays, userId: user.id }, 'calendar year imported');
      audit(store, request, AUDIT_ACTIONS.calendarYearImported, 'calendar_year', year, { format, holidays: result.holidays, workdays: result.workdays, replaced: result.replaced });
    }
    return result;
  });
}
