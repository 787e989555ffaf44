import { z } from 'zod';
import type { AlertDraft, Detector, DetectorResult, RuleContext, RuleFix } from '../engine/types.ts';
import { distanceM } from '../../ingest/geo.ts';
import { addToSample, episodeRefreshMs, integrityDraft, newSample, seconds, type EvidenceSample } from './drafts.ts';
import { numberSetting, parseSettingsWith } from './settings.ts';

const code = 'device_fix_lost';

const schema = z
  .object({
    /** Loss time with ACC on (seconds) before the loss becomes an alert. A tunnel or a garage is shorter. */
    minLossS: numberSetting(900, 60, 86_400, true),
    /** Reports without a usable fix before the loss becomes an alert, so that one report across a gap is not enough. */
    minLostFixes: numberSetting(3, 1, 10_000, true),
    /** A longer gap between two reports of a loss is not counted as loss time, because the terminal was silent then. */
    maxReportGapS: numberSetting(300, 10, 86_400, true),
  })
  .strict();

export type FixLostSettings = z.infer<typeof schema>;

interface GoodFix {
  time: number;
  latitude: number;
  longitude: number;
}

/** A run of reports with ACC on and no usable fix. */
export interface FixLoss {
  start: number;
  lastLostAt: number;
  /** Loss time counted so far: the gaps between the loss's reports, each capped at maxReportGapS. */
  lossMs: number;
  lostFixCount: number;
  /** Reports with the fix bit clear. */
  notFixedCount: number;
  /** Reports with a fix that ingest rejected (implausible jump, bad coordinates or time). */
  rejectedCount: number;
  maxSpeedKmh: number;
  /** The last usable fix before the loss, if any. */
  before: GoodFix | null;
  alerted: boolean;
  emittedAt: number;
  sample: EvidenceSample;
}

export interface FixLostState {
  lastGood: GoodFix | null;
  loss: FixLoss | null;
}

type EndReason = 'fix_recovered' | 'acc_off' | 'silence';

const iso = (ms: number) => new Date(ms).toISOString();

function draftOf(loss: FixLoss, context: RuleContext, ending: { reason: EndReason; fix: RuleFix } | null) {
  const recovered = ending?.reason === 'fix_recovered' ? ending.fix : null;
  const end = recovered ? recovered.time : loss.lastLostAt;
  const gapDistanceM = recovered && loss.before ? Math.round(distanceM(loss.before.latitude, loss.before.longitude, recovered.latitude, recovered.longitude)) : null;
  return integrityDraft({
    code,
    vehicleId: context.vehicle.id,
    unitId: context.vehicle.unitId,
    subject: loss.start,
    start: loss.start,
    end,
    severity: 'medium',
    sample: recovered ? addToSample(loss.sample, recovered) : loss.sample,
    facts: {
      lossS: Math.round(loss.lossMs / 1000),
      spanS: seconds(loss.start, loss.lastLostAt),
      lostFixCount: loss.lostFixCount,
      notFixedCount: loss.notFixedCount,
      rejectedFixCount: loss.rejectedCount,
      maxSpeedKmh: loss.maxSpeedKmh,
      lastFixBeforeAt: loss.before ? iso(loss.before.time) : null,
      ended: ending !== null,
      endReason: ending?.reason ?? null,
      recoveredAt: recovered ? iso(recovered.time) : null,
      // How far the vehicle moved unseen: from the last fix before the loss to the first fix after it.
      gapDistanceM,
    },
  });
}

function openLoss(fix: RuleFix, before: GoodFix | null): FixLoss {
  return {
    start: fix.time,
    lastLostAt: fix.time,
    lossMs: 0,
    lostFixCount: 1,
    notFixedCount: fix.fixed ? 0 : 1,
    rejectedCount: fix.fixed ? 1 : 0,
    maxSpeedKmh: fix.speedKmh,
    before,
    alerted: false,
    emittedAt: fix.time,
    sample: newSample(fix),
  };
}

function extendLoss(loss: FixLoss, fix: RuleFix, settings: FixLostSettings): FixLoss {
  const gapMs = Math.max(0, fix.time - loss.lastLostAt);
  return {
    ...loss,
    lastLostAt: Math.max(loss.lastLostAt, fix.time),
    lossMs: loss.lossMs + Math.min(gapMs, settings.maxReportGapS * 1000),
    lostFixCount: loss.lostFixCount + 1,
    notFixedCount: loss.notFixedCount + (fix.fixed ? 0 : 1),
    rejectedCount: loss.rejectedCount + (fix.fixed ? 1 : 0),
    maxSpeedKmh: Math.max(loss.maxSpeedKmh, fix.speedKmh),
    sample: addToSample(loss.sample, fix),
  };
}

/** Emits the loss's first draft once it is long enough, and refreshed drafts while it lasts. */
function checkLoss(loss: FixLoss, fix: RuleFix, context: RuleContext, settings: FixLostSettings, lastGood: GoodFix | null): DetectorResult<FixLostState> {
  const qualifies = loss.lossMs >= settings.minLossS * 1000 && loss.lostFixCount >= settings.minLostFixes;
  const emit = qualifies && (!loss.alerted || fix.time - loss.emittedAt >= episodeRefreshMs);
  if (!emit) return { state: { lastGood, loss }, alerts: [] };
  const emitted = { ...loss, alerted: true, emittedAt: fix.time };
  return { state: { lastGood, loss: emitted }, alerts: [draftOf(emitted, context, null)] };
}

/**
 * Detects a long loss of position while the engine runs: reports with ACC on that carry no
 * usable fix (fix bit clear or rejected by ingest) for longer than minLossS. A shielded or cut
 * antenna looks like this. A tunnel or an underground garage does too, but for minutes only.
 */
/** Returns the final update of the episode's alert when it ends, if the episode was alerted. A plain function, because a closure made per fix costs measurably at 100,000 fixes per second. */
function endAlerts(loss: FixLostState['loss'], context: RuleContext, reason: EndReason, fix: RuleFix): AlertDraft[] {
  return loss?.alerted ? [draftOf(loss, context, { reason, fix })] : [];
}

export const fixLostDetector: Detector<FixLostState, FixLostSettings> = {
  code,
  defaults: schema.parse({}),
  parseSettings: (input) => parseSettingsWith(code, schema, input),
  initialState: () => ({ lastGood: null, loss: null }),
  update(state, event, context, settings) {
    if (event.type !== 'fix') return { state, alerts: [] };
    const { fix } = event;
    const { loss } = state;

    if (fix.fixed && fix.valid) {
      const lastGood = { time: fix.time, latitude: fix.latitude, longitude: fix.longitude };
      return { state: { lastGood, loss: null }, alerts: endAlerts(loss, context, 'fix_recovered', fix) };
    }
    if (!fix.acc) {
      return loss ? { state: { lastGood: state.lastGood, loss: null }, alerts: endAlerts(loss, context, 'acc_off', fix) } : { state, alerts: [] };
    }
    if (loss && fix.time - loss.lastLostAt > settings.maxReportGapS * 1000) {
      const ended = endAlerts(loss, context, 'silence', fix);
      const next = checkLoss(openLoss(fix, state.lastGood), fix, context, settings, state.lastGood);
      return { state: next.state, alerts: [...ended, ...next.alerts] };
    }
    const next = loss ? extendLoss(loss, fix, settings) : openLoss(fix, state.lastGood);
    return checkLoss(next, fix, context, settings, state.lastGood);
  },
};
