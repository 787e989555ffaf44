import { distanceM } from '../../ingest/geo.ts';
import { distanceToRingM, pointInPolygon, type GeoPoint, type Place, type PlaceCategory, type PlaceShape } from '../places.ts';
import type { OrderDestination, RuleContext, StopFact, TripOrderFact } from '../engine/types.ts';

/** Categories of places where an official vehicle is expected to stand. */
export const officialCategories: readonly PlaceCategory[] = ['designated_parking', 'government_office'];

/** Metres from a point to a shape's edge when outside, 0 inside. */
export function outsideDistanceM(shape: PlaceShape, point: GeoPoint): number {
  const { latitude: lat, longitude: lon } = point;
  if (shape.kind === 'circle') return Math.max(0, distanceM(lat, lon, shape.latitude, shape.longitude) - shape.radiusM);
  const polygons = shape.kind === 'polygon' ? [shape.rings] : shape.polygons;
  let best = Infinity;
  for (const rings of polygons) {
    if (pointInPolygon(lon, lat, rings)) return 0;
    for (const ring of rings) best = Math.min(best, distanceToRingM(lon, lat, ring));
  }
  return best;
}

/** A place matched to a stop, as a reviewer reads it. */
export interface PlaceMatch {
  id: number;
  name: string;
  category: PlaceCategory;
  unitId: number | null;
  outsideM: number;
}

export const placeMatch = (place: Place, outsideM: number): PlaceMatch => ({ id: place.id, name: place.name, category: place.category, unitId: place.unitId, outsideM: Math.round(outsideM) });

/**
 * Returns the nearest of the stop's places in the categories, or null. The engine matched the stop's
 * places with its own margins and hysteresis (its places settings), so every match counts.
 */
export function placeInCategories(stop: StopFact, categories: readonly PlaceCategory[]): PlaceMatch | null {
  let best: PlaceMatch | null = null;
  for (const { place, outsideM } of stop.places) {
    if (!categories.includes(place.category)) continue;
    if (!best || outsideM < best.outsideM) best = placeMatch(place, outsideM);
  }
  return best;
}

/**
 * Returns the nearest official place at the stop: a government office or designated parking among the
 * stop's places, or one of the vehicle's own designated parking places, within marginM.
 */
export function officialPlaceAt(stop: StopFact, context: RuleContext, marginM: number): PlaceMatch | null {
  let best = placeInCategories(stop, officialCategories);
  if (best && best.outsideM > marginM) best = null;
  for (const place of context.homePlaces) {
    const outsideM = outsideDistanceM(place.shape, stop);
    if (outsideM <= marginM && (!best || outsideM < best.outsideM)) best = placeMatch(place, outsideM);
  }
  return best;
}

/** A stop's position and the ids of its places, as a stop record or a StopFact reduced to ids. */
export interface StopSite extends GeoPoint {
  places: readonly { id: number; outsideM: number }[];
}

/** The stop's position and place ids, for the destination checks. */
export const siteOf = (stop: StopFact): StopSite => ({
  latitude: stop.latitude,
  longitude: stop.longitude,
  places: stop.places.map(({ place, outsideM }) => ({ id: place.id, outsideM })),
});

/** True when the stop is at the destination: the same stored place, or within its radius plus marginM. */
export function atDestination(stop: StopSite, destination: OrderDestination, marginM: number): boolean {
  if (destination.placeId !== null && stop.places.some(({ id, outsideM }) => id === destination.placeId && outsideM <= marginM)) return true;
  return distanceM(stop.latitude, stop.longitude, destination.latitude, destination.longitude) <= destination.radiusM + marginM;
}

/** Returns the first approved order overlapping the stop that lists the stop among its destinations, or null. */
export function orderWithDestinationAt(stop: StopSite, orders: readonly TripOrderFact[], marginM: number): TripOrderFact | null {
  return orders.find((order) => order.destinations.some((destination) => atDestination(stop, destination, marginM))) ?? null;
}

/**
 * A valid fix this close to a stop's median shows the vehicle still there. It is wider than the
 * segmentation's default dwell radius (100 m), so drift never cuts a stop short, but the stop
 * itself ends only when the segmentation ends it.
 */
const stillAtStopM = 150;

export function fixAtStop(stop: GeoPoint, fix: GeoPoint & { valid: boolean }): boolean {
  return fix.valid && distanceM(stop.latitude, stop.longitude, fix.latitude, fix.longitude) <= stillAtStopM;
}

/** Returns the vehicle's designated parking place nearest to a point, with metres outside its edge, or null without any. */
export function nearestHomePlace(point: GeoPoint, context: RuleContext): PlaceMatch | null {
  let best: PlaceMatch | null = null;
  for (const place of context.homePlaces) {
    const outsideM = outsideDistanceM(place.shape, point);
    if (!best || outsideM < best.outsideM) best = placeMatch(place, outsideM);
  }
  return best;
}

/** A circle around a shape: its bounding box's centre and the distance to its farthest vertex. */
interface BoundingCircle {
  latitude: number;
  longitude: number;
  radiusM: number;
}

const boundingCircles = new WeakMap<PlaceShape, BoundingCircle>();

function boundingCircle(shape: PlaceShape): BoundingCircle {
  if (shape.kind === 'circle') return shape;
  let circle = boundingCircles.get(shape);
  if (circle) return circle;
  const vertices = (shape.kind === 'polygon' ? shape.rings : shape.polygons.flat()).flat();
  const lons = vertices.map(([lon]) => lon);
  const lats = vertices.map(([, lat]) => lat);
  const centre = { latitude: (Math.min(...lats) + Math.max(...lats)) / 2, longitude: (Math.min(...lons) + Math.max(...lons)) / 2 };
  const radiusM = Math.max(...vertices.map(([lon, lat]) => distanceM(centre.latitude, centre.longitude, lat, lon)));
  circle = { ...centre, radiusM };
  boundingCircles.set(shape, circle);
  return circle;
}

/**
 * Returns a flat-earth distance in metres, cheaper than the haversine. Up to 20 km at 35-45° N it
 * is within 0.6% of distanceM, and the factor 0.99 keeps it shorter, so it never rules out a place
 * that is near.
 */
function roughDistanceM(a: GeoPoint, b: GeoPoint): number {
  const dy = (a.latitude - b.latitude) * 110_540;
  const dx = (a.longitude - b.longitude) * 111_320 * Math.cos(((a.latitude + b.latitude) / 2) * (Math.PI / 180));
  return Math.sqrt(dx * dx + dy * dy) * 0.99;
}

/**
 * True when the point lies within marginM outside one of the vehicle's designated parking places.
 * A bounding circle per shape rules out far places before the exact test, because this runs for
 * every fix of every vehicle.
 */
export function nearHome(point: GeoPoint, context: RuleContext, marginM: number): boolean {
  for (const place of context.homePlaces) {
    const circle = boundingCircle(place.shape);
    if (roughDistanceM(point, circle) > circle.radiusM + marginM) continue;
    if (outsideDistanceM(place.shape, point) <= marginM) return true;
  }
  return false;
}

/** Returns the first of the stop's places (the engine lists official places first), or null. */
export function mainPlaceOf(stop: StopFact): PlaceMatch | null {
  const first = stop.places[0];
  return first ? placeMatch(first.place, first.outsideM) : null;
}
