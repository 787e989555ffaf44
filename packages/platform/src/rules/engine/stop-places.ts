import { distanceM } from '../../ingest/geo.ts';
import { distanceToRingM, shapeContains, type GeoPoint, type Place, type PlaceCategory, type PlaceIndex, type Ring } from '../places.ts';
import type { RuleSettings } from '../templates/settings.ts';
import type { MatchedPlace } from './types.ts';

/** Categories whose places are official: a stop there is the normal case, so they are listed first and matched generously. */
export const officialCategories: ReadonlySet<PlaceCategory> = new Set(['designated_parking', 'government_office']);

/** Distance in metres from a point to a place's edge, 0 inside. */
export function outsideDistanceM(place: Place, point: GeoPoint): number {
  if (shapeContains(place.shape, point)) return 0;
  const { shape } = place;
  if (shape.kind === 'circle') return Math.max(0, distanceM(point.latitude, point.longitude, shape.latitude, shape.longitude) - shape.radiusM);
  const rings: readonly Ring[] = shape.kind === 'polygon' ? shape.rings : shape.polygons.flat();
  return Math.min(...rings.map((ring) => distanceToRingM(point.longitude, point.latitude, ring)));
}

const order = (a: MatchedPlace, b: MatchedPlace) =>
  Number(officialCategories.has(b.place.category)) - Number(officialCategories.has(a.place.category)) || a.outsideM - b.outsideM || a.place.id - b.place.id;

/**
 * Matches the places a stop is at, with hysteresis. A place is entered when the stop's median lies
 * inside it, or within officialMarginM of an official place's edge (fixes of a car parked at the
 * edge of its parking place wander outside). A place matched earlier in the same stop (keepIds)
 * stays matched while the median stays within stayMarginM of its edge. The prefecture boundary is
 * not a place a vehicle stops at and is left out. Official places come first.
 */
export function matchStopPlaces(index: PlaceIndex, point: GeoPoint, margins: RuleSettings['places'], keepIds: readonly number[] = []): MatchedPlace[] {
  const widest = Math.max(margins.officialMarginM, margins.otherMarginM, keepIds.length > 0 ? margins.stayMarginM : 0);
  const matched: MatchedPlace[] = [];
  for (const place of index.containing(point, widest)) {
    if (place.category === 'prefecture_boundary') continue;
    const outsideM = outsideDistanceM(place, point);
    const entry = officialCategories.has(place.category) ? margins.officialMarginM : margins.otherMarginM;
    const margin = keepIds.includes(place.id) ? Math.max(entry, margins.stayMarginM) : entry;
    if (outsideM <= margin) matched.push({ place, outsideM: Math.round(outsideM * 10) / 10 });
  }
  return matched.sort(order);
}
