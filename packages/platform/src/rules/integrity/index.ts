import type { Detector } from '../engine/types.ts';
import { antennaDetector, displacementDetector, gnssFaultDetector, powerCutDetector } from './alarm-bits.ts';
import { fixLostDetector } from './fix-lost.ts';
import { jumpAfterSilenceDetector } from './jump-after-silence.ts';
import { neverOnlineCheck } from './never-online.ts';
import { offlineCheck } from './offline.ts';
import { swapCheck } from './swap-check.ts';
import type { SweepCheck } from './sweep-check.ts';

/** Device integrity detectors that work on the position stream. */
export const integrityDetectors: Detector<any, any>[] = [
  powerCutDetector,
  antennaDetector,
  gnssFaultDetector,
  displacementDetector,
  fixLostDetector,
  jumpAfterSilenceDetector,
];

/**
 * Integrity checks that run outside the position stream: the swap check at registration and the
 * periodic sweep. Templates validate and resolve their settings like the detectors' ones.
 */
export const integritySweepChecks: SweepCheck<any>[] = [swapCheck, neverOnlineCheck, offlineCheck];
