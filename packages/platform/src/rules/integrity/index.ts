import type { Detector } from '../engine/types.ts';
import { antennaDetector, displacementDetector, gnssFaultDetector, powerCutDetector } from './alarm-bits.ts';
import { fixLostDetector } from './fix-lost.ts';
import { jumpAfterSilenceDetector } from './jump-after-silence.ts';

/** Device integrity detectors that work on the position stream. */
export const integrityDetectors: Detector<any, any>[] = [
  powerCutDetector,
  antennaDetector,
  gnssFaultDetector,
  displacementDetector,
  fixLostDetector,
  jumpAfterSilenceDetector,
];
