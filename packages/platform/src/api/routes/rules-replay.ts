import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { AuditActor } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { AppError, forbidden, invalid } from '../../errors.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { assertCapability, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { isCalendarDate } from '../../rules/calendar.ts';
import { LocalClock } from '../../rules/engine/local-clock.ts';
import { replayHistory, type ReplayProgress, type ReplayResult } from '../../rules/engine/replay.ts';
import { acquireReplayLock } from '../../rules/engine/replay-lock.ts';
import { dateBound, daysInclusive } from '../../rules/engine/replay-period.ts';
import type { Detector } from '../../rules/engine/types.ts';
import { loadRuleSettings } from '../../rules/templates/settings.ts';
import { negativeListDetectors } from '../../rules/detectors/index.ts';
import { integrityDetectors } from '../../rules/integrity/index.ts';
import type { NotReproducedAlert } from '../../alerts/withdrawal.ts';

const tags = ['rules'];
const dayMs = 86_400_000;
/** Maximum length of a replay's period in days: three months of 31 days. */
export const replayMaxDays = 93;
/** Number of replays kept in memory for GET. Older ones are dropped, and a restart drops all of them. */
const keptReplays = 20;

const replayInput = z.strictObject({
  from: z.string().describe('First day, YYYY-MM-DD, in the rules\' time zone (Asia/Shanghai unless set)'),
  to: z.string().describe('Last day (included), YYYY-MM-DD; today at the latest'),
  vehicleId: z.number().int().positive().optional().describe('Only this vehicle; every vehicle when left out'),
  dryRun: z.boolean().default(false).describe('Find and count what the replay would change, store nothing'),
});

const progressOutput = z.object({
  vehiclesDone: z.number(),
  vehiclesTotal: z.number().describe('Vehicles with positions in the period or the day before or after it, which the replay evaluates'),
  positions: z.number().describe('Positions of the period read so far'),
});

const notReproducedOutput = z.object({ id: z.number(), rule: z.string(), vehicleId: z.number(), plate: z.string().nullable(), start: isoTime, end: isoTime, state: z.string() });

const resultOutput = z.object({
  positions: z.number(),
  vehicles: z.number().describe('Vehicles with positions in the period'),
  trips: z.number().describe('Trips that start in the period'),
  alerts: z.number().describe('Alerts found in the period'),
  created: z.number(),
  unchanged: z.number(),
  reinstated: z.number(),
  withdrawn: z.number(),
  flagged: z.number(),
  unchecked: z.number().describe('Alerts not found again but left alone because they are older than the positions\' retention'),
  settingsRevision: z.string(),
  withdrawnAlerts: z.array(notReproducedOutput).describe('Pending alerts not found again: withdrawn, or in a dry run to be withdrawn'),
  flaggedAlerts: z.array(notReproducedOutput).describe('Reviewed alerts not found again: flagged for the reviewer, or in a dry run to be flagged'),
});

const replayOutput = z.object({
  id: z.number(),
  state: z.enum(['running', 'done', 'failed']),
  from: z.string(),
  to: z.string(),
  vehicleId: z.number().nullable(),
  dryRun: z.boolean(),
  progress: progressOutput,
  result: resultOutput.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedBy: z.string().describe('User name of the administrator who started it'),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
});

type ReplayView = z.infer<typeof replayOutput>;
type ReplayRun = ReplayView & { done: Promise<void> };

const description = `Evaluates the stored positions of a period again with the current places, trip orders, templates and settings, like \`gongche rules replay\`.
It runs in the background: the answer is 202 with the replay's id; GET /api/rules/replays/{id} shows its progress and, when done, its counts.
Alerts are merged by key into the stored ones; stored alerts of the period that are not found again are withdrawn when pending, or flagged when already reviewed; the period's trips are replaced.
A dry run only counts. One replay runs at a time (409 GONGCHE_ERR_REPLAY_RUNNING with the running id). The period is at most ${replayMaxDays} days and ends today at the latest.
Replays are kept in memory, the last ${keptReplays}; a restart forgets them (the audit log keeps rules.replayed for each stored one).`;

/** Checks the dates of a replay and returns the period in UTC ms. */
function replayPeriod(body: { from: string; to: string }, clock: LocalClock, now: number): { from: number; to: number } {
  for (const bound of ['from', 'to'] as const) {
    if (!isCalendarDate(body[bound])) throw invalid(`Invalid ${bound} ${body[bound]}: expected a date YYYY-MM-DD (${clock.timeZone})`, body[bound]);
  }
  if (body.from > body.to) {
    throw new AppError('GONGCHE_ERR_REPLAY_PERIOD_ORDER', 400, `Invalid period: from ${body.from} is after to ${body.to}`, { value: { from: body.from, to: body.to } });
  }
  const today = clock.date(now);
  if (body.to > today) {
    throw new AppError('GONGCHE_ERR_REPLAY_PERIOD_FUTURE', 400, `Invalid period: to ${body.to} is after today ${today} (${clock.timeZone}). End the period today at the latest`, { value: body.to });
  }
  const days = daysInclusive(body.from, body.to);
  if (days > replayMaxDays) {
    throw new AppError('GONGCHE_ERR_REPLAY_PERIOD_TOO_LONG', 400, `Invalid period: ${body.from} to ${body.to} is ${days} days, but one replay covers at most ${replayMaxDays} days. Split it into shorter periods`, { value: days });
  }
  return { from: dateBound(body.from, 'from', clock), to: dateBound(body.to, 'to', clock) };
}

const username = (actor: AuditActor) => (typeof actor === 'string' ? actor : actor.username);

/** Rules replays started from the API: one at a time, in the background, with their progress. */
export async function rulesReplayRoutes(app: ZodApp, { store, config, logger }: ApiOptions): Promise<void> {
  const { db } = store;
  const replays: ReplayRun[] = [];
  let running: ReplayRun | null = null;
  let nextId = 1;

  const view = ({ done: _done, ...replay }: ReplayRun): ReplayView => structuredClone(replay);

  const outcome = async (result: ReplayResult): Promise<NonNullable<ReplayView['result']>> => {
    const vehicleIds = [...new Set([...result.withdrawn, ...result.flagged].map((a) => a.vehicleId))];
    const plates = new Map(vehicleIds.length === 0 ? [] : (await db.selectFrom('vehicles').select(['id', 'plate']).where('id', 'in', vehicleIds).execute()).map((v) => [v.id, v.plate]));
    const alertView = (alert: NotReproducedAlert) => ({
      id: alert.id,
      rule: alert.rule,
      vehicleId: alert.vehicleId,
      plate: plates.get(alert.vehicleId) ?? null,
      start: new Date(alert.start).toISOString(),
      end: new Date(alert.end).toISOString(),
      state: alert.state,
    });
    return {
      positions: result.positions,
      vehicles: result.vehicles,
      trips: result.trips,
      alerts: result.alerts.length,
      created: result.created,
      unchanged: result.unchanged,
      reinstated: result.reinstated,
      withdrawn: result.withdrawn.length,
      flagged: result.flagged.length,
      unchecked: result.unchecked,
      settingsRevision: result.settingsRevision,
      withdrawnAlerts: result.withdrawn.map(alertView),
      flaggedAlerts: result.flagged.map(alertView),
    };
  };

  const start = (replay: Omit<ReplayView, 'id' | 'state' | 'progress' | 'result' | 'error' | 'finishedAt'>, period: { from: number; to: number }, actor: AuditActor): ReplayRun => {
    // A storing replay also takes the store's lock, which a replay of the command may hold (409 then).
    const lock = replay.dryRun ? null : acquireReplayLock(store, `console replay #${nextId} by ${replay.startedBy} (${replay.from} to ${replay.to})`, logger);
    const run: ReplayRun = { ...replay, id: nextId++, state: 'running', progress: { vehiclesDone: 0, vehiclesTotal: 0, positions: 0 }, result: null, error: null, finishedAt: null, done: Promise.resolve() };
    const log = logger.child({ component: 'rules-replay', replayId: run.id });
    if (lock?.tookOverFrom) log.warn({ staleHolder: lock.tookOverFrom }, 'took over a stale rules replay lock');
    const onProgress = (progress: ReplayProgress) => {
      run.progress = progress;
    };
    const execute = async () => {
      try {
        // better-sqlite3 runs queries synchronously, so without this the first page of positions would be read before the 202 is sent.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const detectors = [...negativeListDetectors, ...integrityDetectors] as Detector<unknown, unknown>[];
        // Older positions may be purged but for the alerts' evidence, so a replay there cannot judge what it does not find.
        const positionsKeptSince = Date.now() - config.retention.positionsRetentionDays * dayMs;
        const result = await replayHistory(store, { ...period, vehicleId: run.vehicleId ?? undefined, detectors, logger: log, save: !run.dryRun, actor, positionsKeptSince, onProgress });
        run.result = await outcome(result);
        run.state = 'done';
        const { withdrawnAlerts: _w, flaggedAlerts: _f, ...counts } = run.result;
        log.info({ ...counts, dryRun: run.dryRun }, 'rules replay finished');
      } catch (error) {
        run.state = 'failed';
        run.error = error instanceof AppError ? { code: error.code, message: error.message } : { code: 'GONGCHE_ERR_INTERNAL', message: `The replay stopped: ${(error as Error).message}` };
        log.error({ err: error }, 'rules replay failed');
      } finally {
        lock?.release();
        run.finishedAt = new Date().toISOString();
        running = null;
      }
    };
    running = run;
    replays.unshift(run);
    // The running replay is first, so only finished ones are dropped.
    replays.splice(keptReplays);
    run.done = execute();
    return run;
  };

  // A storing replay is not stopped halfway, because it has already replaced part of the period's trips.
  app.addHook('onClose', async () => {
    if (!running) return;
    logger.info({ replayId: running.id }, 'waiting for the running rules replay to finish');
    await running.done;
  });

  app.post('/api/rules/replays', {
    schema: { tags, summary: 'Start a replay of the rules over stored history', description, body: replayInput, response: { 202: z.object({ id: z.number(), state: z.literal('running') }), ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    if (!(await unitScope(db, user)).all) throw forbidden(`Role ${user.role} sees only some units, but a replay evaluates the vehicles of every unit`);
    const settings = await loadRuleSettings(db);
    const period = replayPeriod(request.body, new LocalClock(settings.timeZone), Date.now());
    const vehicleId = request.body.vehicleId === undefined ? null : (await getVehicle(db, request.body.vehicleId)).id;
    if (running) {
      throw new AppError('GONGCHE_ERR_REPLAY_RUNNING', 409, `A rules replay is running already: #${running.id} (${running.from} to ${running.to}), started by ${running.startedBy}. Wait until it is done`, { value: running.id });
    }
    const actor = requestActor(request);
    const run = start({ from: request.body.from, to: request.body.to, vehicleId, dryRun: request.body.dryRun, startedBy: username(actor), startedAt: new Date().toISOString() }, period, actor);
    request.log.info({ replayId: run.id, from: run.from, to: run.to, vehicleId, dryRun: run.dryRun }, 'rules replay started');
    return reply.code(202).send({ id: run.id, state: 'running' as const });
  });

  app.get('/api/rules/replays', {
    schema: { tags, summary: 'List the recent rules replays', description: `The last ${keptReplays} replays started through the API since the platform started, newest first.`, response: { 200: z.object({ items: z.array(replayOutput) }), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.manage');
    return { items: replays.map(view) };
  });

  app.get('/api/rules/replays/:id', {
    schema: { tags, summary: 'Get a rules replay with its progress or result', params: idParams, response: { 200: replayOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.manage');
    const replay = replays.find((r) => r.id === request.params.id);
    if (!replay) {
      throw new AppError('GONGCHE_ERR_NOT_FOUND', 404, `Rules replay not found: ${request.params.id}. Only the last ${keptReplays} replays are kept, and none across a restart`, { value: request.params.id });
    }
    return view(replay);
  });
}
