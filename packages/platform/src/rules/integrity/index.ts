import type { Detector } from '../engine/types.ts';

/** Device integrity detectors that work on the position stream. */
export const integrityDetectors: Detector<any, any>[] = [];
