import type { Kysely } from 'kysely';
import { decodeFrame, decodeMessage, escapeFrame, type Header, type Position } from '@gongche/jt808';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/db.ts';
import type { PositionView } from '../api/access.ts';
import { readPositions, type PositionItem } from '../api/positions-query.ts';
import { requireKeyring } from '../crypto/setup.ts';
import { openFrame } from '../ingest/sealed-rows.ts';
import { gbkCodec } from '../text-codec.ts';
import type { AlertView } from './view.ts';

/**
 * An alert's evidence resolved for the reviewer (执法有据): the stored positions of the evidence
 * range, the matched place, the trip order or the fact that none was approved, the trip, and the
 * raw terminal frames as received. Positions and frames of a leadership vehicle follow the
 * user's view of its positions: those newer than the delay cutoff are withheld.
 */
export interface ResolvedEvidence {
  positions: {
    access: PositionView['kind'];
    /** With a delayed view: only positions before this time are shown. */
    before: string | null;
    truncated: boolean;
    items: PositionItem[];
  };
  /** The matched place; null with placeId set when the place was deleted since. */
  place: { id: number; name: string; category: string; unitId: number | null; shape: unknown } | null;
  tripOrder: TripOrderEvidence | null;
  /** True when the finding rests on the absence of an approved order. */
  orderAbsent: boolean;
  /** Approved orders of the vehicle that overlap the alert's span now, e.g. an order approved after the alert. */
  approvedOrdersInSpan: { id: number; purpose: string; start: string; end: string }[];
  /** The trip; null with tripId set when a replay has removed it since. */
  trip: TripEvidence | null;
  rawFrames: RawFrameEvidence[];
  /** Raw frames left out because they are newer than the user's delayed view. */
  rawFramesWithheld: number;
}

export interface TripOrderEvidence {
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
  destinations: { seq: number; placeId: number | null; name: string; latitude: number | null; longitude: number | null; radiusM: number | null }[];
}

export interface TripEvidence {
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
}

export interface RawFrameEvidence {
  id: number;
  /** False when retention or a later purge has removed the frame. */
  stored: boolean;
  terminalId: number | null;
  receivedAt: string | null;
  messageId: string | null;
  serial: number | null;
  header: (Omit<Header, 'messageId'> & { messageId: string }) | null;
  /** Unescaped header, body and check code, as received, in hex. */
  hex: string | null;
  /** Decoder error of a frame that could not be decoded, e.g. one subpackage of a longer message. */
  decodeError: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const messageIdHex = (id: number) => `0x${id.toString(16).padStart(4, '0')}`;

/** Largest number of evidence positions returned by default. */
export const defaultEvidencePositionLimit = 2000;

async function placeEvidence(db: Kysely<Database>, placeId: number | null): Promise<ResolvedEvidence['place']> {
  if (placeId === null) return null;
  const row = await db.selectFrom('places').select(['id', 'name', 'category', 'unit_id', 'shape']).where('id', '=', placeId).executeTakeFirst();
  if (!row) return null;
  return { id: row.id, name: row.name, category: row.category, unitId: row.unit_id, shape: JSON.parse(row.shape) as unknown };
}

async function tripOrderEvidence(db: Kysely<Database>, orderId: number | null): Promise<TripOrderEvidence | null> {
  if (orderId === null) return null;
  const row = await db.selectFrom('trip_orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!row) return null;
  const destinations = await db.selectFrom('trip_order_destinations').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  return {
    id: row.id,
    unitId: row.unit_id,
    vehicleId: row.vehicle_id,
    driverId: row.driver_id,
    applicant: row.applicant,
    purpose: row.purpose,
    start: iso(row.start_at),
    end: iso(row.end_at),
    outOfArea: row.out_of_area === 1,
    holidayUse: row.holiday_use === 1,
    status: row.status,
    destinations: destinations.map((d) => ({ seq: d.seq, placeId: d.place_id, name: d.name, latitude: d.latitude, longitude: d.longitude, radiusM: d.radius_m })),
  };
}

async function approvedOrdersInSpan(db: Kysely<Database>, vehicleId: number, start: number, end: number): Promise<ResolvedEvidence['approvedOrdersInSpan']> {
  const rows = await db
    .selectFrom('trip_orders')
    .select(['id', 'purpose', 'start_at', 'end_at'])
    .where('vehicle_id', '=', vehicleId)
    .where('status', '=', 'approved')
    .where('start_at', '<=', end)
    .where('end_at', '>=', start)
    .orderBy('start_at')
    .limit(20)
    .execute();
  return rows.map((row) => ({ id: row.id, purpose: row.purpose, start: iso(row.start_at), end: iso(row.end_at) }));
}

async function tripEvidence(db: Kysely<Database>, tripId: number | null): Promise<TripEvidence | null> {
  if (tripId === null) return null;
  const row = await db.selectFrom('trips').selectAll().where('id', '=', tripId).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    start: iso(row.start_time),
    end: iso(row.end_time),
    distanceM: row.distance_m,
    maxDistanceFromHomeM: row.max_distance_from_home_m,
    leftBoundary: row.left_boundary === 1,
    orderId: row.order_id,
    verdict: row.verdict,
    reasonCode: row.reason_code,
    driverCards: JSON.parse(row.driver_cards) as string[],
  };
}

function framePositionTimes(content: Buffer): number[] {
  const message = decodeMessage(decodeFrame(escapeFrame(content)), { text: gbkCodec });
  let positions: Position[] = [];
  if (message.messageId === 0x0200) positions = [message.body];
  else if (message.messageId === 0x0201) positions = [message.body.position];
  else if (message.messageId === 0x0704) positions = message.body.positions;
  return positions.map((p) => p.time?.getTime()).filter((t): t is number => t !== undefined && Number.isFinite(t));
}

/** Returns whether a frame falls inside the delay: by its positions' device times, or by receipt time when it has none. */
function isNewerThanView(positionTimes: number[], receivedAt: number, before: number): boolean {
  if (positionTimes.length === 0) return receivedAt >= before;
  return positionTimes.some((time) => time >= before);
}

/**
 * Opens and decodes the evidence frames. With a delayed view, a frame that carries positions is
 * withheld when any of them has a device time at or after the cutoff, as the positions are, so a
 * blind-area upload of old positions received just now stays visible. A frame without a position
 * of valid device time (registration, heartbeat, a position with a bad clock) is withheld when it
 * was received at or after the cutoff.
 */
async function rawFrameEvidence(store: Store, ids: readonly number[], before: number | null): Promise<{ frames: RawFrameEvidence[]; withheld: number }> {
  if (ids.length === 0) return { frames: [], withheld: 0 };
  const keyring = requireKeyring(store);
  const rows = await store.db.selectFrom('raw_frames').selectAll().where('id', 'in', [...ids]).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const frames: RawFrameEvidence[] = [];
  let withheld = 0;
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) {
      frames.push({ id, stored: false, terminalId: null, receivedAt: null, messageId: null, serial: null, header: null, hex: null, decodeError: null });
      continue;
    }
    const content = openFrame(keyring, row);
    let header: RawFrameEvidence['header'] = null;
    let decodeError: string | null = null;
    try {
      const frame = decodeFrame(escapeFrame(content));
      header = { ...frame.header, messageId: messageIdHex(frame.header.messageId) };
      if (before !== null && isNewerThanView(framePositionTimes(content), row.received_at, before)) {
        withheld++;
        continue;
      }
    } catch (error) {
      decodeError = (error as Error).message;
      // A frame whose positions cannot be read cannot be shown to a delayed view.
      if (before !== null) {
        withheld++;
        continue;
      }
    }
    frames.push({
      id,
      stored: true,
      terminalId: row.terminal_id,
      receivedAt: iso(row.received_at),
      messageId: messageIdHex(row.message_id),
      serial: row.serial,
      header,
      hex: content.toString('hex'),
      decodeError,
    });
  }
  return { frames, withheld };
}

/** Resolves an alert's evidence for a user's view of the vehicle's positions. */
export async function resolveEvidence(store: Store, alert: AlertView, view: PositionView, positionLimit: number): Promise<ResolvedEvidence> {
  const { db } = store;
  const from = Date.parse(alert.evidence.positionRange.from);
  // The stored range is inclusive of its end; readPositions reads [from, to).
  const to = Date.parse(alert.evidence.positionRange.to) + 1;
  const before = view.kind === 'delayed' ? view.before : null;
  let until: number | null = to;
  if (view.kind === 'none') until = null;
  else if (before !== null) until = Math.min(to, before);
  const positions = until === null || until <= from ? { items: [], truncated: false } : await readPositions(store, { vehicleId: alert.vehicleId, from, to: until, includeInvalid: true, limit: positionLimit });

  const frames = view.kind === 'none' ? { frames: [], withheld: alert.evidence.rawFrameIds.length } : await rawFrameEvidence(store, alert.evidence.rawFrameIds, before);
  return {
    positions: { access: view.kind, before: before === null ? null : iso(before), truncated: positions.truncated, items: positions.items },
    place: await placeEvidence(db, alert.evidence.placeId),
    tripOrder: await tripOrderEvidence(db, alert.evidence.tripOrderId),
    orderAbsent: alert.evidence.orderAbsent,
    approvedOrdersInSpan: await approvedOrdersInSpan(db, alert.vehicleId, Date.parse(alert.start), Date.parse(alert.end)),
    trip: await tripEvidence(db, alert.evidence.tripId),
    rawFrames: frames.frames,
    rawFramesWithheld: frames.withheld,
  };
}
