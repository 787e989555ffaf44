import Flatbush from 'flatbush';
import { invalid } from '../errors.ts';
import { distanceM } from '../ingest/geo.ts';

/** Place categories the negative-list rules refer to. */
export const placeCategories = [
  'designated_parking',
  'government_office',
  'entertainment',
  'hotel',
  'restaurant',
  'scenic_spot',
  'school',
  'residential',
  'wedding_funeral',
  'other_unit_parking',
  'prefecture_boundary',
  'custom',
] as const;
export type PlaceCategory = (typeof placeCategories)[number];

/** A WGS-84 position as [longitude, latitude], the GeoJSON order. */
export type LonLat = readonly [number, number];
/** A closed ring; the closing vertex may be repeated or left out. */
export type Ring = readonly LonLat[];

export type PlaceShape =
  | { kind: 'circle'; latitude: number; longitude: number; radiusM: number }
  /** One outer ring followed by its holes. */
  | { kind: 'polygon'; rings: readonly Ring[] }
  | { kind: 'multipolygon'; polygons: readonly (readonly Ring[])[] };

export interface Place {
  id: number;
  name: string;
  category: PlaceCategory;
  /** Owning unit, for designated and other units' parking places. */
  unitId: number | null;
  shape: PlaceShape;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

// Metres per degree of latitude is at least 110,574 m, so 110,000 m keeps every bounding box
// and search box a little larger than the exact shape and never misses a candidate.
const metresPerDegreeLow = 110_000;
const earthRadiusM = 6_371_008.8;
const toRad = Math.PI / 180;

type Box = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** Grows a box by a distance in metres, generously at the box's highest latitude. */
function growBox(box: Box, metres: number): Box {
  if (metres <= 0) return box;
  const dLat = metres / metresPerDegreeLow;
  const worstLat = Math.min(89, Math.max(Math.abs(box[1]), Math.abs(box[3])) + dLat);
  const dLon = Math.min(180, metres / (metresPerDegreeLow * Math.cos(worstLat * toRad)));
  return [box[0] - dLon, box[1] - dLat, box[2] + dLon, box[3] + dLat];
}

function ringsOf(shape: PlaceShape): readonly Ring[] {
  if (shape.kind === 'polygon') return shape.rings;
  if (shape.kind === 'multipolygon') return shape.polygons.flat();
  return [];
}

/** Returns the bounding box of a shape. */
export function shapeBox(shape: PlaceShape): Box {
  if (shape.kind === 'circle') return growBox([shape.longitude, shape.latitude, shape.longitude, shape.latitude], shape.radiusM);
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of ringsOf(shape)) {
    for (const [lon, lat] of ring) {
      box[0] = Math.min(box[0], lon);
      box[1] = Math.min(box[1], lat);
      box[2] = Math.max(box[2], lon);
      box[3] = Math.max(box[3], lat);
    }
  }
  return box;
}

const validLonLat = ([lon, lat]: LonLat) => Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;

/** Throws a validation error naming the place when its shape cannot be tested. */
export function checkPlace(place: Place): void {
  const fail = (problem: string) => invalid(`Invalid place ${place.id} (${place.name}): ${problem}`, place.id);
  if (!(placeCategories as readonly string[]).includes(place.category)) throw fail(`unknown category ${place.category}`);
  const { shape } = place;
  if (shape.kind === 'circle') {
    if (!validLonLat([shape.longitude, shape.latitude])) throw fail('circle centre out of range');
    if (!(shape.radiusM > 0 && Number.isFinite(shape.radiusM))) throw fail(`radius ${shape.radiusM} m is not a positive number`);
    return;
  }
  const polygons = shape.kind === 'polygon' ? [shape.rings] : shape.polygons;
  if (polygons.length === 0 || polygons.some((rings) => rings.length === 0)) throw fail('polygon without an outer ring');
  for (const ring of polygons.flat()) {
    if (ring.length < 3) throw fail(`ring with ${ring.length} vertices; a ring needs at least 3`);
    if (!ring.every(validLonLat)) throw fail('vertex out of range');
  }
}

/** Even-odd ray casting: true when the point is inside the ring (points exactly on an edge may go either way). */
export function pointInRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when the point is inside the outer ring (rings[0]) and outside every hole. */
export function pointInPolygon(lon: number, lat: number, rings: readonly Ring[]): boolean {
  if (rings.length === 0 || !pointInRing(lon, lat, rings[0]!)) return false;
  for (let h = 1; h < rings.length; h++) if (pointInRing(lon, lat, rings[h]!)) return false;
  return true;
}

/** Distance in metres from a point to the nearest edge of a ring, on a local flat projection (accurate to well under 1% within tens of kilometres). */
export function distanceToRingM(lon: number, lat: number, ring: Ring): number {
  const kx = Math.cos(lat * toRad) * earthRadiusM * toRad;
  const ky = earthRadiusM * toRad;
  let best = Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const ax = (ring[j]![0] - lon) * kx;
    const ay = (ring[j]![1] - lat) * ky;
    const dx = (ring[i]![0] - lon) * kx - ax;
    const dy = (ring[i]![1] - lat) * ky - ay;
    const lengthSq = dx * dx + dy * dy;
    const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSq));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

function polygonContains(lon: number, lat: number, rings: readonly Ring[], marginM: number): boolean {
  if (pointInPolygon(lon, lat, rings)) return true;
  return marginM > 0 && rings.some((ring) => distanceToRingM(lon, lat, ring) <= marginM);
}

/**
 * True when the point lies in the shape grown outward by marginM metres. A margin lets a
 * vehicle already inside a place stay inside while its fixes drift just past the edge.
 */
export function shapeContains(shape: PlaceShape, point: GeoPoint, marginM = 0): boolean {
  const { longitude: lon, latitude: lat } = point;
  if (shape.kind === 'circle') return distanceM(lat, lon, shape.latitude, shape.longitude) <= shape.radiusM + marginM;
  if (shape.kind === 'polygon') return polygonContains(lon, lat, shape.rings, marginM);
  return shape.polygons.some((rings) => polygonContains(lon, lat, rings, marginM));
}

/**
 * A read-only spatial index of places (a packed Hilbert R-tree, flatbush 4.7).
 * NOTE: shapes that cross the 180th meridian are not supported (no place in China does).
 */
export class PlaceIndex {
  readonly places: readonly Place[];
  private readonly tree: Flatbush | null;

  /** Builds the index; throws a validation error on the first place whose shape is invalid. */
  constructor(places: readonly Place[]) {
    places.forEach(checkPlace);
    this.places = places;
    this.tree = places.length === 0 ? null : new Flatbush(places.length);
    if (!this.tree) return;
    for (const place of places) this.tree.add(...shapeBox(place.shape));
    this.tree.finish();
  }

  /** Returns the places containing the point, or within marginM metres outside their edge. */
  containing(point: GeoPoint, marginM = 0): Place[] {
    if (!(marginM >= 0)) throw invalid(`Invalid margin ${marginM} m: expected a number >= 0`, marginM);
    if (!this.tree) return [];
    const box = growBox([point.longitude, point.latitude, point.longitude, point.latitude], marginM);
    const found: Place[] = [];
    for (const i of this.tree.search(...box)) {
      const place = this.places[i]!;
      if (shapeContains(place.shape, point, marginM)) found.push(place);
    }
    return found;
  }
}
