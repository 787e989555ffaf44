import type { PositionItem } from '../../api/types.ts';
import type { PlaceShape } from '../../map/place-shapes.ts';

/** Response shapes of the alert API (GET /api/alerts, /api/alerts/:id and the review steps). */

/**
 * Review states, plus withdrawn for a pending alert that a rules replay no longer reproduced.
 * The list shows withdrawn alerts only when the state filter requests them.
 */
export const alertStates = ['pending', 'explained', 'confirmed', 'dismissed', 'rectified', 'withdrawn'] as const;
export type AlertState = (typeof alertStates)[number];
export const severities = ['low', 'medium', 'high'] as const;
export type Severity = (typeof severities)[number];
export type ReviewAction = 'explain' | 'confirm' | 'dismiss' | 'rectify';

export interface Alert {
  id: number;
  key: string;
  rule: string;
  ruleName: { zh: string; en: string };
  /** Item 1 to 9 of the negative list; null for device integrity checks. */
  negativeListItem: number | null;
  vehicleId: number;
  plate: string;
  unitId: number;
  unitName: string;
  terminalId: number | null;
  start: string;
  end: string;
  severity: Severity;
  state: AlertState;
  late: boolean;
  /** Set while a rules replay with the current settings no longer reproduces the alert. */
  notReproduced: { at: string; reason: string; settingsRevision: string; replayFrom: string; replayTo: string; replayedAt: string } | null;
  withdrawnAt: string | null;
  facts: Record<string, unknown>;
  evidence: {
    positionRange: { from: string; to: string };
    positionIds: number[];
    rawFrameIds: number[];
    placeId: number | null;
    tripOrderId: number | null;
    orderAbsent: boolean;
    tripId: number | null;
  };
  createdAt: string;
  updatedAt: string;
}

export interface AlertPage {
  total: number;
  limit: number;
  offset: number;
  items: Alert[];
}

export interface AlertTransition {
  id: number;
  from: string;
  to: string;
  actor: { userId: number; username: string; role: string };
  at: string;
  text: string;
  attachmentId: number | null;
}

export interface AlertAttachment {
  id: number;
  alertId: number;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: number;
  uploadedAt: string;
}

export interface OrderDestination {
  seq: number;
  placeId: number | null;
  name: string;
  latitude: number | null;
  longitude: number | null;
  radiusM: number | null;
}

export interface RawFrame {
  id: number;
  stored: boolean;
  terminalId: number | null;
  receivedAt: string | null;
  messageId: string | null;
  serial: number | null;
  header: Record<string, unknown> | null;
  /** Unescaped header, body and check code as received. */
  hex: string | null;
  decodeError: string | null;
}

export interface ResolvedEvidence {
  positions: { access: 'live' | 'delayed' | 'none'; before: string | null; truncated: boolean; items: PositionItem[] };
  place: { id: number; name: string; category: string; unitId: number | null; shape: PlaceShape } | null;
  tripOrder: {
    id: number;
    unitId: number;
    vehicleId: number;
    driverId: number | null;
    applicant: string;
    purpose: string;
    start: string;
    end: string;
    outOfArea: boolean;
    holidayUse: boolean;
    status: string;
    destinations: OrderDestination[];
  } | null;
  orderAbsent: boolean;
  approvedOrdersInSpan: { id: number; purpose: string; start: string; end: string }[];
  trip: {
    id: number;
    start: string;
    end: string;
    distanceM: number;
    maxDistanceFromHomeM: number | null;
    leftBoundary: boolean;
    orderId: number | null;
    verdict: string;
    reasonCode: string;
    driverCards: string[];
  } | null;
  rawFrames: RawFrame[];
  rawFramesWithheld: number;
}

export interface AlertReview extends Alert {
  transitions: AlertTransition[];
  attachments: AlertAttachment[];
}

export interface AlertDetail extends AlertReview {
  evidenceResolved: ResolvedEvidence;
}

/** A message of the live socket GET /api/ws. */
export type LiveMessage =
  | { type: 'hello'; user: { id: number; username: string; role: string; unitId: number | null }; topics: string[] }
  | { type: 'alert.created' | 'alert.updated'; alert: Alert }
  | { type: 'pong'; at: string }
  | { type: 'error'; code: string; message: string };
