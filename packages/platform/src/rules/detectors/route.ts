import { distanceM } from '../../ingest/geo.ts';
import type { GeoPoint } from '../places.ts';

/** Up to this many points in between, the exact shortest order is computed (Held-Karp, 2^n * n^2 steps). */
const exactLimit = 10;

const between = (a: GeoPoint, b: GeoPoint) => distanceM(a.latitude, a.longitude, b.latitude, b.longitude);

/**
 * Returns the length in metres of the shortest straight-line path from `start` through every
 * point of `via`, in any order, to `end`. Beyond ten points in between it returns the length
 * of a nearest-neighbour path improved by 2-opt, which is never shorter than the optimum.
 */
export function shortestPathM(start: GeoPoint, via: readonly GeoPoint[], end: GeoPoint): number {
  if (via.length === 0) return between(start, end);
  return via.length <= exactLimit ? exactPathM(start, via, end) : heuristicPathM(start, via, end);
}

function exactPathM(start: GeoPoint, via: readonly GeoPoint[], end: GeoPoint): number {
  const n = via.length;
  const full = (1 << n) - 1;
  // best[mask * n + j]: shortest path from start through the points in mask, ending at point j.
  const best = new Float64Array((full + 1) * n).fill(Infinity);
  for (let j = 0; j < n; j++) best[(1 << j) * n + j] = between(start, via[j]!);
  for (let mask = 1; mask <= full; mask++) {
    for (let j = 0; j < n; j++) {
      const length = best[mask * n + j]!;
      if (!(mask & (1 << j)) || length === Infinity) continue;
      for (let k = 0; k < n; k++) {
        if (mask & (1 << k)) continue;
        const next = (mask | (1 << k)) * n + k;
        best[next] = Math.min(best[next]!, length + between(via[j]!, via[k]!));
      }
    }
  }
  let shortest = Infinity;
  for (let j = 0; j < n; j++) shortest = Math.min(shortest, best[full * n + j]! + between(via[j]!, end));
  return shortest;
}

function pathLength(points: readonly GeoPoint[]): number {
  let length = 0;
  for (let i = 1; i < points.length; i++) length += between(points[i - 1]!, points[i]!);
  return length;
}

function heuristicPathM(start: GeoPoint, via: readonly GeoPoint[], end: GeoPoint): number {
  const left = [...via];
  const path = [start];
  while (left.length > 0) {
    const last = path[path.length - 1]!;
    let nearest = 0;
    for (let i = 1; i < left.length; i++) if (between(last, left[i]!) < between(last, left[nearest]!)) nearest = i;
    path.push(left.splice(nearest, 1)[0]!);
  }
  path.push(end);

  // 2-opt: reverse a section between the fixed ends while that shortens the path.
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = 1; i < path.length - 2; i++) {
      for (let k = i + 1; k < path.length - 1; k++) {
        const before = between(path[i - 1]!, path[i]!) + between(path[k]!, path[k + 1]!);
        const after = between(path[i - 1]!, path[k]!) + between(path[i]!, path[k + 1]!);
        if (after < before - 1e-6) {
          path.splice(i, k - i + 1, ...path.slice(i, k + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return pathLength(path);
}
