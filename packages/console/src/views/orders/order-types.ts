import type { OrderDestination } from '../alerts/alert-types.ts';

/** Response shapes of the trip order, driver and duty roster APIs. */

export const orderStatuses = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface TripOrder {
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
  destinations: OrderDestination[];
}

/** A destination as the create request takes it: a stored place, or a named point with a radius in metres. */
export type DestinationInput = { placeId: number } | { name: string; latitude: number; longitude: number; radiusM?: number };

export interface OrderImportResult {
  imported: boolean;
  orders: number;
  approved: number;
  ids: number[];
  errors: unknown[];
}

export interface Driver {
  id: number;
  unitId: number;
  name: string;
  icCardNumber: string | null;
  phone: string | null;
  licenceNumber: string | null;
  licenceClass: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DutyStatus = 'pending' | 'approved' | 'rejected';

export interface DutyEntry {
  id: number;
  vehicleId: number;
  plate: string;
  unitId: number;
  date: string;
  reason: string;
  status: DutyStatus;
  requestedBy: number | null;
  decidedBy: number | null;
  decidedAt: string | null;
  createdAt: string;
}
