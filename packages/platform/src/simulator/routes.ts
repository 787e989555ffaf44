/** A point in WGS-84 degrees. */
export interface LatLon {
  latitude: number;
  longitude: number;
}

/** A drivable route: a polyline that a simulated vehicle follows end to end and back. */
export interface Route {
  name: string;
  points: LatLon[];
  /** Speed range while driving, in km/h. */
  minKmh: number;
  maxKmh: number;
}

const p = (latitude: number, longitude: number): LatLon => ({ latitude, longitude });

// Coordinates are approximate WGS-84 positions along main roads of Kashgar city and its neighbouring
// counties, placed by hand for the demonstration; they are not surveyed road geometry.
const peoplesSquare = p(39.4677, 75.9938);
const idKahMosque = p(39.4721, 75.9826);
const prefectureOffices = p(39.4652, 76.0003);
const railwayStation = p(39.4487, 76.0528);
const airport = p(39.5429, 76.02);
const shufuCounty = p(39.375, 75.862);
const shuleCounty = p(39.401, 76.054);

/** Demonstration routes in and around Kashgar city. */
export const kashgarRoutes: readonly Route[] = [
  {
    name: '人民广场-艾提尕尔清真寺',
    points: [peoplesSquare, p(39.4683, 75.9901), p(39.4699, 75.9872), p(39.4712, 75.9846), idKahMosque],
    minKmh: 30,
    maxKmh: 40,
  },
  {
    name: '地区行署-喀什站',
    points: [prefectureOffices, p(39.4648, 76.0102), p(39.4619, 76.0231), p(39.4575, 76.0344), p(39.4529, 76.0441), railwayStation],
    minKmh: 35,
    maxKmh: 60,
  },
  {
    name: '人民广场-喀什机场',
    points: [peoplesSquare, p(39.4762, 75.9941), p(39.4885, 75.9962), p(39.5031, 76.0018), p(39.5204, 76.0097), p(39.5342, 76.0161), airport],
    minKmh: 40,
    maxKmh: 60,
  },
  {
    name: '人民广场-疏附县',
    points: [peoplesSquare, p(39.4611, 75.9824), p(39.4497, 75.9633), p(39.4312, 75.9391), p(39.4098, 75.9104), p(39.3903, 75.8842), shufuCounty],
    minKmh: 40,
    maxKmh: 60,
  },
  {
    name: '地区行署-疏勒县',
    points: [prefectureOffices, p(39.4541, 76.0046), p(39.4388, 76.0152), p(39.4226, 76.0297), p(39.4104, 76.0428), shuleCounty],
    minKmh: 40,
    maxKmh: 60,
  },
  {
    name: '老城区环线',
    points: [peoplesSquare, idKahMosque, p(39.4757, 75.9867), p(39.4741, 75.9985), prefectureOffices, p(39.4618, 75.9925), peoplesSquare],
    minKmh: 30,
    maxKmh: 45,
  },
];

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (degrees: number) => (degrees * Math.PI) / 180;
const deg = (radians: number) => (radians * 180) / Math.PI;

/** Great-circle distance in metres (haversine on the mean Earth radius). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from a to b in degrees clockwise from north, 0 to below 360. */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const dLon = rad(b.longitude - a.longitude);
  const y = Math.sin(dLon) * Math.cos(rad(b.latitude));
  const x = Math.cos(rad(a.latitude)) * Math.sin(rad(b.latitude)) - Math.sin(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.cos(dLon);
  return (deg(Math.atan2(y, x)) + 360) % 360;
}

/** Point at `fraction` (0-1) of the way from a to b; linear interpolation is exact enough over a few kilometres. */
export function interpolate(a: LatLon, b: LatLon, fraction: number): LatLon {
  return {
    latitude: a.latitude + (b.latitude - a.latitude) * fraction,
    longitude: a.longitude + (b.longitude - a.longitude) * fraction,
  };
}

/** Point `distance` metres from `origin` along `bearing` degrees, on a local flat approximation (for offsets under a few km). */
export function offsetM(origin: LatLon, bearing: number, distance: number): LatLon {
  const north = distance * Math.cos(rad(bearing));
  const east = distance * Math.sin(rad(bearing));
  return {
    latitude: origin.latitude + deg(north / EARTH_RADIUS_M),
    longitude: origin.longitude + deg(east / (EARTH_RADIUS_M * Math.cos(rad(origin.latitude)))),
  };
}
