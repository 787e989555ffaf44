import type { Generated } from 'kysely';

/** Tables of places, trip orders, drivers, driver identity reports and duty rosters. */
export interface RuleFactTables {
  places: PlaceTable;
  trip_orders: TripOrderTable;
  trip_order_destinations: TripOrderDestinationTable;
  drivers: DriverTable;
  driver_reports: DriverReportTable;
  duty_rosters: DutyRosterTable;
}

/** A place the rules match stops against (src/rules/places.ts). */
export interface PlaceTable {
  id: Generated<number>;
  name: string;
  /** One of placeCategories (src/rules/places.ts). */
  category: string;
  /** Owning unit, for designated and other units' parking places. */
  unit_id: number | null;
  /** The PlaceShape as JSON: a circle, a polygon or a multipolygon, WGS-84. */
  shape: string;
  /** Bounding box of the shape in degrees, for listing by area without parsing every shape. */
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  /** Origin of the place: api, import or demo. */
  source: string;
  remarks: string | null;
  created_at: number;
  updated_at: number;
}

/** A trip order (用车申请 / 派车单); status is pending, approved, rejected or cancelled. */
export interface TripOrderTable {
  id: Generated<number>;
  unit_id: number;
  vehicle_id: number;
  driver_id: number | null;
  /** Name of the person who applied for the vehicle. */
  applicant: string;
  purpose: string;
  start_at: number;
  end_at: number;
  out_of_area: number;
  holiday_use: number;
  status: string;
  /** The user who approved, rejected or cancelled the order, the time, and the reason given for a rejection or cancellation. */
  decided_by: number | null;
  decided_at: number | null;
  decision_comment: string | null;
  /** Number of the order in the unit's own system, for imports; unique per unit when set. */
  external_ref: string | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

/** A destination of a trip order: a stored place, or a point with a radius. */
export interface TripOrderDestinationTable {
  id: Generated<number>;
  order_id: number;
  /** Position in the order's list, from 0. */
  seq: number;
  place_id: number | null;
  name: string;
  /** Set for a point destination; null for a place (its shape is read from places). */
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
}

/** A registered driver of a unit. */
export interface DriverTable {
  id: Generated<number>;
  unit_id: number;
  name: string;
  /** Number read from the driver's IC card in 0x0702 (the qualification certificate code); unique when set. */
  ic_card_number: string | null;
  phone: string | null;
  licence_number: string | null;
  /** Licence class, e.g. C1 or A2. */
  licence_class: string | null;
  active: number;
  created_at: number;
  updated_at: number;
}

/**
 * A driver identity report (0x0702) as decoded at receipt. The sealed raw frame stays the
 * evidence; raw_frame_id has no foreign key because retention may purge the frame first.
 */
export interface DriverReportTable {
  id: Generated<number>;
  terminal_id: number;
  vehicle_id: number | null;
  /** Device time (UTC ms); null when the terminal sent no valid time (2011 layout or bad BCD). */
  device_time: number | null;
  received_at: number;
  /** in: card inserted (on duty); out: card removed (off duty). */
  state: string;
  /** Card read result when inserted: 0 success, 1-4 failures; null when removed. */
  read_result: number | null;
  card_number: string | null;
  driver_name: string | null;
  raw_frame_id: number | null;
}

/** A vehicle on duty (值班/备勤) on a local date, so night or holiday use is expected; the bureau approves. */
export interface DutyRosterTable {
  id: Generated<number>;
  vehicle_id: number;
  /** Local date, YYYY-MM-DD, in the calendar's time zone. */
  date: string;
  reason: string;
  /** pending, approved or rejected. */
  status: string;
  requested_by: number | null;
  decided_by: number | null;
  decided_at: number | null;
  created_at: number;
}
