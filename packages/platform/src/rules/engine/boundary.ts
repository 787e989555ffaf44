import { distanceM } from '../../ingest/geo.ts';
import { distanceToRingM, shapeContains, type GeoPoint, type Place, type Ring } from '../places.ts';

interface Known {
  latitude: number;
  longitude: number;
  outside: boolean;
  /** Radius around the tested point within which every point has the same result. */
  safeM: number;
}

/** Distance from a point to the nearest edge of a shape, inside or outside it. */
function edgeDistanceM(place: Place, point: GeoPoint): number {
  const { shape } = place;
  if (shape.kind === 'circle') return Math.abs(distanceM(point.latitude, point.longitude, shape.latitude, shape.longitude) - shape.radiusM);
  const rings: readonly Ring[] = shape.kind === 'polygon' ? shape.rings : shape.polygons.flat();
  let best = Infinity;
  for (const ring of rings) best = Math.min(best, distanceToRingM(point.longitude, point.latitude, ring));
  return best;
}

/**
 * Tells whether a fix lies outside every prefecture_boundary place by more than a margin. A
 * boundary polygon has thousands of vertices, so each test also measures the distance to the
 * nearest edge. A later fix closer than that to the tested one has the same result without a
 * polygon test, which costs one distance per fix almost everywhere in the prefecture.
 * Without boundary places nothing is outside.
 */
export class BoundaryTracker {
  readonly #places: readonly Place[];
  readonly #marginM: number;
  #known: Known | null = null;

  constructor(places: readonly Place[], marginM: number) {
    this.#places = places.filter((p) => p.category === 'prefecture_boundary');
    this.#marginM = marginM;
  }

  isOutside(point: GeoPoint): boolean {
    if (this.#places.length === 0) return false;
    const known = this.#known;
    if (known && distanceM(known.latitude, known.longitude, point.latitude, point.longitude) < known.safeM) return known.outside;
    this.#known = this.#test(point);
    return this.#known.outside;
  }

  #test(point: GeoPoint): Known {
    const at = { latitude: point.latitude, longitude: point.longitude };
    let nearestOutsideM = Infinity;
    for (const place of this.#places) {
      const edgeM = edgeDistanceM(place, point);
      if (shapeContains(place.shape, point)) return { ...at, outside: false, safeM: edgeM + this.#marginM };
      nearestOutsideM = Math.min(nearestOutsideM, edgeM);
    }
    return { ...at, outside: nearestOutsideM > this.#marginM, safeM: Math.abs(nearestOutsideM - this.#marginM) };
  }
}
