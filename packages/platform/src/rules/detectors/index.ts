import type { Detector } from '../engine/types.ts';
import { customDetector } from './custom.ts';
import { fixedToPersonDetector } from './fixed-to-person.ts';
import { holidayUseDetector } from './holiday-use.ts';
import { lendingDetector } from './lending.ts';
import { longDistanceDetector } from './long-distance.ts';
import { nonOfficialPlaceDetector } from './non-official-place.ts';
import { offHoursParkingDetector } from './off-hours-parking.ts';
import { privateErrandDetector } from './private-errand.ts';
import { routeDeviationDetector } from './route-deviation.ts';

/** The negative-list detectors (items 1 to 9), in item order. */
export const negativeListDetectors: Detector<any, any>[] = [
  nonOfficialPlaceDetector,
  holidayUseDetector,
  offHoursParkingDetector,
  privateErrandDetector,
  lendingDetector,
  routeDeviationDetector,
  fixedToPersonDetector,
  longDistanceDetector,
  customDetector,
];
