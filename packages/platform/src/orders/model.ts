/** Trip order statuses: pending until approved or rejected; pending and approved orders may be cancelled. */
export const orderStatuses = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Maximum length of one order's window in days; a longer absence needs several orders. */
export const maxOrderDays = 31;
/** Radius of a point destination that gives none, in metres. */
export const defaultPointRadiusM = 300;
export const maxDestinations = 20;

/** A destination as requested: a stored place, or a named point with an optional radius. */
export type DestinationInput = { placeId: number } | { name: string; latitude: number; longitude: number; radiusM?: number | undefined };

export interface OrderInput {
  vehicleId: number;
  driverId: number | null;
  applicant: string;
  purpose: string;
  start: number;
  end: number;
  outOfArea: boolean;
  holidayUse: boolean;
  destinations: DestinationInput[];
  externalRef: string | null;
}

export interface OrderDestinationView {
  seq: number;
  placeId: number | null;
  name: string;
  latitude: number | null;
  longitude: number | null;
  radiusM: number | null;
}

/** A trip order as the API returns it. */
export interface OrderView {
  id: number;
  unitId: number;
  vehicleId: number;
  plate: string;
  driverId: number | null;
  driverName: string | null;
  applicant: string;
  purpose: string;
  start: string;
  end: string;
  outOfArea: boolean;
  holidayUse: boolean;
  status: OrderStatus;
  decidedBy: number | null;
  decidedAt: string | null;
  decisionComment: string | null;
  externalRef: string | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
  destinations: OrderDestinationView[];
}
