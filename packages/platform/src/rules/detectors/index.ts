import type { Detector } from '../engine/types.ts';
import { holidayUseDetector } from './holiday-use.ts';
import { nonOfficialPlaceDetector } from './non-official-place.ts';
import { offHoursParkingDetector } from './off-hours-parking.ts';

/** The negative-list detectors (items 1 to 9), in item order. */
export const negativeListDetectors: Detector<any, any>[] = [
  nonOfficialPlaceDetector,
  holidayUseDetector,
  offHoursParkingDetector,
];
