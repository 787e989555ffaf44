import { z } from 'zod';
import { alarmFlags, type AlarmFlags } from '@gongche/jt808';
import type { Detector, DetectorResult, RuleContext, RuleFix, Severity } from '../engine/types.ts';
import type { RuleCode } from '../rule-codes.ts';
import { addToSample, episodeRefreshMs, integrityDraft, newSample, seconds, type EvidenceSample } from './drafts.ts';
import { numberSetting, parseSettingsWith } from './settings.ts';

/** Returns the mask of a named alarm flag in the 0x0200 alarm DWORD, taken from the codec's bit table (JT/T 808-2019 table 25). */
export function alarmMask(name: keyof AlarmFlags): number {
  for (let bit = 0; bit < 32; bit++) {
    const dword = 2 ** bit;
    if (alarmFlags(dword)[name]) return dword;
  }
  throw new Error(`No alarm bit is named ${name}`);
}

/** A run of reports with the detector's alarm bits set, merged across short clear spells. */
export interface AlarmEpisode {
  /** Device time of the first report with a bit set. */
  start: number;
  lastSetAt: number;
  /** Device time of the first report with every bit clear after lastSetAt, or null while a bit is set. */
  clearedAt: number | null;
  fixCount: number;
  /** Reports of the episode that passed the ingest checks (a cut antenna usually leaves none). */
  validFixCount: number;
  /** Union of the detector's alarm bits seen in the episode. */
  bits: number;
  alerted: boolean;
  /** Device time of the last draft emitted for this episode. */
  emittedAt: number;
  accAtStart: boolean;
  speedKmhAtStart: number;
  fixedAtStart: boolean;
  latitude: number;
  longitude: number;
  sample: EvidenceSample;
}

export interface AlarmBitState {
  episode: AlarmEpisode | null;
}

export interface AlarmBitSettings {
  /** Reports with a bit set before the episode becomes an alert. */
  minFixes: number;
  /** A bit set again within this many seconds of its last report continues the same episode. */
  mergeGapS: number;
}

interface AlarmBitDefinition {
  code: RuleCode;
  flags: (keyof AlarmFlags)[];
  severity: Severity;
  defaults: AlarmBitSettings;
}

/** Builds the stream detector of one or more JT/T 808 alarm bits: one alert per episode, from the rising edge until the bits clear. */
export function alarmBitDetector(definition: AlarmBitDefinition): Detector<AlarmBitState, AlarmBitSettings> {
  const masks = definition.flags.map((name) => ({ name, mask: alarmMask(name) }));
  const mask = masks.reduce((all, entry) => all | entry.mask, 0);
  const schema = z
    .object({
      minFixes: numberSetting(definition.defaults.minFixes, 1, 1000, true),
      mergeGapS: numberSetting(definition.defaults.mergeGapS, 0, 86_400, true),
    })
    .strict();

  const draftOf = (episode: AlarmEpisode, context: RuleContext) => {
    const end = episode.clearedAt ?? episode.lastSetAt;
    return integrityDraft({
      code: definition.code,
      vehicleId: context.vehicle.id,
      unitId: context.vehicle.unitId,
      subject: episode.start,
      start: episode.start,
      end,
      severity: definition.severity,
      sample: episode.sample,
      facts: {
        alarmBits: masks.filter((entry) => (episode.bits & entry.mask) !== 0).map((entry) => entry.name).join(','),
        durationS: seconds(episode.start, end),
        fixCount: episode.fixCount,
        validFixCount: episode.validFixCount,
        cleared: episode.clearedAt !== null,
        accAtStart: episode.accAtStart,
        speedKmhAtStart: episode.speedKmhAtStart,
        fixedAtStart: episode.fixedAtStart,
        latitude: episode.latitude,
        longitude: episode.longitude,
      },
    });
  };

  const open = (fix: RuleFix, context: RuleContext, settings: AlarmBitSettings): DetectorResult<AlarmBitState> => {
    const alerted = settings.minFixes <= 1;
    const episode: AlarmEpisode = {
      start: fix.time,
      lastSetAt: fix.time,
      clearedAt: null,
      fixCount: 1,
      validFixCount: fix.valid ? 1 : 0,
      bits: fix.alarm & mask,
      alerted,
      emittedAt: fix.time,
      accAtStart: fix.acc,
      speedKmhAtStart: fix.speedKmh,
      fixedAtStart: fix.fixed,
      latitude: fix.latitude,
      longitude: fix.longitude,
      sample: newSample(fix),
    };
    return { state: { episode }, alerts: alerted ? [draftOf(episode, context)] : [] };
  };

  const extend = (episode: AlarmEpisode, fix: RuleFix, context: RuleContext, settings: AlarmBitSettings): DetectorResult<AlarmBitState> => {
    const bits = episode.bits | (fix.alarm & mask);
    const next: AlarmEpisode = {
      ...episode,
      lastSetAt: Math.max(episode.lastSetAt, fix.time),
      clearedAt: null,
      fixCount: episode.fixCount + 1,
      validFixCount: episode.validFixCount + (fix.valid ? 1 : 0),
      bits,
      sample: addToSample(episode.sample, fix),
    };
    const becomesAlert = !episode.alerted && next.fixCount >= settings.minFixes;
    const refresh = episode.alerted && (episode.clearedAt !== null || bits !== episode.bits || fix.time - episode.emittedAt >= episodeRefreshMs);
    if (!becomesAlert && !refresh) return { state: { episode: next }, alerts: [] };
    const emitted = { ...next, alerted: true, emittedAt: fix.time };
    return { state: { episode: emitted }, alerts: [draftOf(emitted, context)] };
  };

  return {
    code: definition.code,
    defaults: schema.parse({}),
    parseSettings: (input) => parseSettingsWith(definition.code, schema, input),
    initialState: () => ({ episode: null }),
    update(state, event, context, settings) {
      if (event.type !== 'fix') return { state, alerts: [] };
      const { fix } = event;
      const episode = state.episode;

      if ((fix.alarm & mask) !== 0) {
        const continues = episode !== null && (episode.clearedAt === null || fix.time - episode.lastSetAt <= settings.mergeGapS * 1000);
        return continues ? extend(episode, fix, context, settings) : open(fix, context, settings);
      }
      if (episode === null) return { state, alerts: [] };
      if (episode.clearedAt === null) {
        const cleared = { ...episode, clearedAt: fix.time, emittedAt: episode.alerted ? fix.time : episode.emittedAt };
        return { state: { episode: cleared }, alerts: episode.alerted ? [draftOf(cleared, context)] : [] };
      }
      // Kept until the merge gap has passed, so that a bit set again soon continues this episode.
      if (fix.time - episode.lastSetAt > settings.mergeGapS * 1000) return { state: { episode: null }, alerts: [] };
      return { state, alerts: [] };
    },
  };
}

/** Main power cut (alarm bit 8): the terminal runs on its backup battery, as when it is being removed. */
export const powerCutDetector = alarmBitDetector({
  code: 'device_power_cut',
  flags: ['mainPowerOff'],
  severity: 'high',
  defaults: { minFixes: 1, mergeGapS: 300 },
});

/** GNSS antenna cut or short-circuited (alarm bits 5 and 6), two ways of blinding a terminal. */
export const antennaDetector = alarmBitDetector({
  code: 'device_antenna',
  flags: ['gnssAntennaDisconnected', 'gnssAntennaShortCircuit'],
  severity: 'high',
  defaults: { minFixes: 1, mergeGapS: 300 },
});

/** GNSS module fault (alarm bit 4). */
export const gnssFaultDetector = alarmBitDetector({
  code: 'device_gnss_fault',
  flags: ['gnssModuleFault'],
  severity: 'medium',
  defaults: { minFixes: 1, mergeGapS: 300 },
});

/** Illegal displacement (alarm bit 28): the terminal saw the vehicle move while it should be parked. */
export const displacementDetector = alarmBitDetector({
  code: 'device_displacement',
  flags: ['illegalDisplacement'],
  severity: 'high',
  defaults: { minFixes: 1, mergeGapS: 300 },
});
