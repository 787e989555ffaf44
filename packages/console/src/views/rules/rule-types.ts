/** Response shapes of the rules API (/api/rules/...) and the trips API. */

export interface TimeWindow {
  start: string;
  end: string;
}

export interface DetectorEntry {
  enabled?: boolean;
  settings?: Record<string, unknown>;
}

/** Content of a template or of a vehicle's overrides; every unset field is inherited. */
export interface TemplateContent {
  workingHours?: TimeWindow[];
  nightWindow?: TimeWindow;
  detectors?: Record<string, DetectorEntry>;
}

export interface RuleTemplate {
  id: number;
  name: string;
  usageNature: string | null;
  unitId: number | null;
  description: string;
  content: TemplateContent;
  createdAt: string;
  updatedAt: string;
}

export interface CatalogueEntry {
  code: string;
  /** Negative-list item 1-9, or null for a device integrity check. */
  item: number | null;
  zh: string;
  en: string;
  /** True when a detector of the position stream evaluates the rule, so templates may set its settings. */
  streamDetector: boolean;
  defaults: Record<string, unknown> | null;
}

export interface VehicleRules {
  vehicleId: number;
  templateId: number | null;
  overrides: TemplateContent;
  effective: {
    templates: { id: number; name: string }[];
    workingHours: TimeWindow[];
    nightWindow: TimeWindow;
    detectors: { code: string; name: string; enabled: boolean; settings: Record<string, unknown> }[];
  };
}

export const tripVerdicts = ['covered', 'no_order', 'outside_window', 'off_destinations', 'wrong_driver', 'out_of_area_unapproved'] as const;
export type TripVerdict = (typeof tripVerdicts)[number];

export interface Trip {
  id: number;
  vehicleId: number;
  unitId: number;
  start: string;
  end: string;
  distanceM: number;
  maxDistanceFromHomeM: number | null;
  leftBoundary: boolean;
  from: { latitude: number | null; longitude: number | null; placeIds: number[] };
  to: { latitude: number | null; longitude: number | null; placeIds: number[] };
  orderId: number | null;
  verdict: TripVerdict;
  reasonCode: string;
  driverCards: string[];
  late: boolean;
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
}

/** A validation problem the server names by path, e.g. detectors.non_official_place.settings.minDwellMin. */
export interface FieldProblem {
  path: string;
  message: string;
}
