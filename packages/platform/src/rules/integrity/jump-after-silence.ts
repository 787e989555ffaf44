import { z } from 'zod';
import type { Detector, RuleContext, RuleFix } from '../engine/types.ts';
import { distanceM } from '../../ingest/geo.ts';
import { integrityDraft, seconds } from './drafts.ts';
import { numberSetting, parseSettingsWith } from './settings.ts';

const code = 'device_jump_after_silence';

const schema = z
  .object({
    /** A gap between two reports (device time) at least this long is a silence. */
    minSilenceS: numberSetting(300, 30, 7 * 86_400, true),
    /** Average speed over the silence (km/h) above which the vehicle cannot have driven there. 130 is above the 120 km/h expressway limit. */
    maxPlausibleSpeedKmh: numberSetting(130, 20, 400),
    /** Jumps shorter than this (metres) never count, whatever the speed. */
    minJumpM: numberSetting(1000, 0, 1_000_000),
    /** With ACC off before the silence, a jump longer than this (metres) counts at any speed: the vehicle moved while its terminal was silent. */
    accOffJumpM: numberSetting(2000, 0, 1_000_000),
  })
  .strict();

export type JumpAfterSilenceSettings = z.infer<typeof schema>;

interface Anchor {
  time: number;
  latitude: number;
  longitude: number;
  positionId: number;
  rawFrameId: number;
}

/** A silence seen, waiting for the first usable fix after it. */
interface PendingSilence {
  before: Anchor;
  accBefore: boolean;
  /** Total length of the silent gaps since `before` (there may be several before a fix arrives). */
  silenceMs: number;
}

export interface JumpAfterSilenceState {
  lastReportAt: number | null;
  lastReportAcc: boolean;
  /** The last fix that passed the ingest checks. */
  lastGood: Anchor | null;
  pending: PendingSilence | null;
}

const anchorOf = (fix: RuleFix): Anchor => ({ time: fix.time, latitude: fix.latitude, longitude: fix.longitude, positionId: fix.positionId, rawFrameId: fix.rawFrameId });

function judge(pending: PendingSilence, fix: RuleFix, context: RuleContext, settings: JumpAfterSilenceSettings) {
  const { before } = pending;
  const distance = distanceM(before.latitude, before.longitude, fix.latitude, fix.longitude);
  const elapsedS = Math.max(1, (fix.time - before.time) / 1000);
  const speedKmh = (distance / elapsedS) * 3.6;
  if (distance < settings.minJumpM) return [];

  let criterion: 'speed' | 'acc_off_distance' | null = null;
  if (speedKmh > settings.maxPlausibleSpeedKmh) criterion = 'speed';
  else if (!pending.accBefore && distance > settings.accOffJumpM) criterion = 'acc_off_distance';
  if (criterion === null) return [];

  return [
    integrityDraft({
      code,
      vehicleId: context.vehicle.id,
      unitId: context.vehicle.unitId,
      subject: before.time,
      start: before.time,
      end: fix.time,
      severity: 'high',
      sample: { positionIds: [before.positionId, fix.positionId], rawFrameIds: [...new Set([before.rawFrameId, fix.rawFrameId])] },
      facts: {
        criterion,
        silenceS: Math.round(pending.silenceMs / 1000),
        elapsedS: seconds(before.time, fix.time),
        distanceM: Math.round(distance),
        impliedSpeedKmh: Math.round(speedKmh),
        accBeforeSilence: pending.accBefore,
        accAfterSilence: fix.acc,
        fromLatitude: before.latitude,
        fromLongitude: before.longitude,
        toLatitude: fix.latitude,
        toLongitude: fix.longitude,
      },
    }),
  ];
}

/**
 * Detects a silence after which the vehicle is implausibly far away. A silence is a gap with no
 * report at all, in device time, so blind-area uploads fill a gap rather than make one. The
 * vehicle is implausibly far when the average speed needed exceeds maxPlausibleSpeedKmh, or when
 * ACC was off before the silence and the vehicle moved more than accOffJumpM. The position after
 * the silence is the first fix that passed ingest's checks. A single outlier fix does not count,
 * because ingest rejects it until three fixes agree.
 */
export const jumpAfterSilenceDetector: Detector<JumpAfterSilenceState, JumpAfterSilenceSettings> = {
  code,
  defaults: schema.parse({}),
  parseSettings: (input) => parseSettingsWith(code, schema, input),
  initialState: () => ({ lastReportAt: null, lastReportAcc: false, lastGood: null, pending: null }),
  update(state, event, context, settings) {
    if (event.type !== 'fix') return { state, alerts: [] };
    const { fix } = event;

    let pending = state.pending;
    const gapMs = state.lastReportAt === null ? 0 : fix.time - state.lastReportAt;
    if (gapMs >= settings.minSilenceS * 1000 && state.lastGood !== null) {
      pending = pending
        ? { ...pending, silenceMs: pending.silenceMs + gapMs }
        : { before: state.lastGood, accBefore: state.lastReportAcc, silenceMs: gapMs };
    }

    let alerts: ReturnType<typeof judge> = [];
    let lastGood = state.lastGood;
    if (fix.valid) {
      if (pending) alerts = judge(pending, fix, context, settings);
      pending = null;
      lastGood = anchorOf(fix);
    }
    const lastReportAt = state.lastReportAt === null ? fix.time : Math.max(state.lastReportAt, fix.time);
    return { state: { lastReportAt, lastReportAcc: fix.acc, lastGood, pending }, alerts };
  },
};
