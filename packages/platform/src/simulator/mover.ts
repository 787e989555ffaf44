import { bearingDeg, distanceM, interpolate, offsetM, type LatLon, type Route } from './routes.ts';

/** Position, speed and ignition state of a simulated vehicle after a step. */
export interface MoverSample extends LatLon {
  /** Average speed over the last step, km/h (0 while parked). */
  speedKmh: number;
  /** Heading in whole degrees, 0-359, clockwise from north. */
  course: number;
  /** Ignition: false while parked. */
  acc: boolean;
  /** Metres driven along the route since the mover was created. */
  odometerM: number;
}

export interface MoverOptions {
  seed: number;
  /** Seconds parked with ACC off at each end of the route before driving back. Default 60-180, chosen by the seed. */
  parkS?: number;
  /** Largest GNSS drift of a parked vehicle, in metres. Default 30. */
  parkedDriftM?: number;
  /**
   * The vehicle's position when the mover starts, e.g. its last stored position. It first drives
   * from there in a straight line, at the route's speeds, to the nearest point of the route, so
   * that its reports move no faster than the route allows. Default: a point of the route chosen by the seed.
   */
  startAt?: LatLon;
}

/** The straight drive from the start point to the route. */
interface Approach {
  from: LatLon;
  to: LatLon;
  lengthM: number;
  doneM: number;
}

/** Returns a deterministic pseudo-random generator (mulberry32) yielding numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Drives a vehicle along a route at a speed within the route's range, parks it with ACC off at
 * each end, then drives it back. Every choice comes from the seed, so the same seed and the same
 * sequence of calls give the same samples.
 */
export class RouteMover {
  readonly route: Route;
  readonly #random: () => number;
  readonly #cumulative: number[];
  readonly #parkS: number | undefined;
  readonly #driftM: number;
  /** Distance from the first point along the route, metres. */
  #position: number;
  #direction: 1 | -1;
  #speedKmh: number;
  #parkedRemainingS = 0;
  #parkedAt: LatLon | null = null;
  #course = 0;
  #odometerM = 0;
  #approach: Approach | null = null;

  constructor(route: Route, options: MoverOptions) {
    if (route.points.length < 2) throw new Error(`Route "${route.name}" needs at least 2 points, got ${route.points.length}`);
    this.route = route;
    this.#random = seededRandom(options.seed);
    this.#parkS = options.parkS;
    this.#driftM = options.parkedDriftM ?? 30;
    this.#cumulative = [0];
    for (let i = 1; i < route.points.length; i++) {
      this.#cumulative.push(this.#cumulative[i - 1]! + distanceM(route.points[i - 1]!, route.points[i]!));
    }
    this.#position = this.#random() * this.lengthM;
    this.#direction = this.#random() < 0.5 ? 1 : -1;
    this.#speedKmh = route.minKmh + this.#random() * (route.maxKmh - route.minKmh);
    if (options.startAt) this.#startApproach(options.startAt);
    this.#course = this.#approach ? Math.round(bearingDeg(this.#approach.from, this.#approach.to)) % 360 : this.#segmentCourse();
  }

  /** True while the vehicle still drives from its start point to the route. */
  get approaching(): boolean {
    return this.#approach !== null;
  }

  /** Puts the vehicle at `start`, bound for the route point nearest to it. */
  #startApproach(start: LatLon): void {
    this.#position = this.#nearestPosition(start);
    const to = this.#pointAt(this.#position);
    const lengthM = distanceM(start, to);
    // Within a parked vehicle's drift of the route, the vehicle simply starts on it.
    if (lengthM > this.#driftM) this.#approach = { from: start, to, lengthM, doneM: 0 };
  }

  get lengthM(): number {
    return this.#cumulative[this.#cumulative.length - 1]!;
  }

  get parked(): boolean {
    return this.#parkedRemainingS > 0;
  }

  /** Parks the vehicle where it is, ACC off, for `seconds`; it then drives on in the same direction. */
  park(seconds: number): void {
    this.#parkedRemainingS = seconds;
    this.#parkedAt = this.#currentPoint();
  }

  /** Returns where the vehicle is now without advancing it (speed 0 when parked). */
  sample(): MoverSample {
    const point = this.#parkedRemainingS > 0 && this.#parkedAt ? this.#parkedAt : this.#currentPoint();
    const moving = this.#parkedRemainingS === 0;
    return { ...point, speedKmh: moving ? this.#speedKmh : 0, course: this.#course, acc: moving, odometerM: this.#odometerM };
  }

  /** Advances the vehicle by `intervalS` seconds and returns where it is. */
  step(intervalS: number): MoverSample {
    if (this.#parkedRemainingS > 0) return this.#stepParked(intervalS);
    if (this.#approach) return this.#stepApproach(intervalS, this.#approach);

    this.#speedKmh = this.#nextSpeed();
    const wanted = (this.#speedKmh / 3.6) * intervalS;
    const target = this.#position + this.#direction * wanted;
    const clamped = Math.min(this.lengthM, Math.max(0, target));
    const travelled = Math.abs(clamped - this.#position);
    this.#position = clamped;
    this.#odometerM += travelled;
    this.#course = this.#segmentCourse();
    const point = this.#pointAt(clamped);
    // An arrival step ends early at the route's end, so its average speed is lower than the chosen one.
    const speedKmh = clamped === target ? this.#speedKmh : (travelled / intervalS) * 3.6;
    const sample = { ...point, speedKmh, course: this.#course, acc: true, odometerM: this.#odometerM };

    if (clamped !== target) {
      this.park(this.#parkS ?? 60 + Math.floor(this.#random() * 121));
      this.#direction = this.#direction === 1 ? -1 : 1;
    }
    return sample;
  }

  #stepApproach(intervalS: number, approach: Approach): MoverSample {
    this.#speedKmh = this.#nextSpeed();
    const travelled = Math.min((this.#speedKmh / 3.6) * intervalS, approach.lengthM - approach.doneM);
    approach.doneM += travelled;
    this.#odometerM += travelled;
    const point = interpolate(approach.from, approach.to, approach.doneM / approach.lengthM);
    const sample = { ...point, speedKmh: (travelled / intervalS) * 3.6, course: this.#course, acc: true, odometerM: this.#odometerM };
    if (approach.doneM >= approach.lengthM) {
      this.#approach = null;
      this.#course = this.#segmentCourse();
    }
    return sample;
  }

  #currentPoint(): LatLon {
    const approach = this.#approach;
    return approach ? interpolate(approach.from, approach.to, approach.doneM / approach.lengthM) : this.#pointAt(this.#position);
  }

  /** Returns the distance along the route of its point nearest to `point`, on a local flat approximation. */
  #nearestPosition(point: LatLon): number {
    const metresPerDegree = 111_320;
    const cosLat = Math.cos((point.latitude * Math.PI) / 180);
    const xy = (p: LatLon) => ({ x: p.longitude * metresPerDegree * cosLat, y: p.latitude * metresPerDegree });
    const target = xy(point);
    let best = { distance: Infinity, position: 0 };
    for (let i = 0; i + 1 < this.route.points.length; i++) {
      const a = xy(this.route.points[i]!);
      const b = xy(this.route.points[i + 1]!);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const lengthSquared = dx * dx + dy * dy;
      const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((target.x - a.x) * dx + (target.y - a.y) * dy) / lengthSquared));
      const distance = Math.hypot(a.x + t * dx - target.x, a.y + t * dy - target.y);
      if (distance < best.distance) best = { distance, position: this.#cumulative[i]! + t * (this.#cumulative[i + 1]! - this.#cumulative[i]!) };
    }
    return best.position;
  }

  #stepParked(intervalS: number): MoverSample {
    this.#parkedRemainingS = Math.max(0, this.#parkedRemainingS - intervalS);
    const at = this.#parkedAt ?? this.#pointAt(this.#position);
    const drifted = offsetM(at, this.#random() * 360, this.#random() * this.#driftM);
    if (this.#parkedRemainingS === 0) this.#course = this.#approach ? Math.round(bearingDeg(this.#approach.from, this.#approach.to)) % 360 : this.#segmentCourse();
    return { ...drifted, speedKmh: 0, course: this.#course, acc: false, odometerM: this.#odometerM };
  }

  /** Changes the speed by at most 5 km/h per step, staying within the route's range. */
  #nextSpeed(): number {
    const next = this.#speedKmh + (this.#random() - 0.5) * 10;
    return Math.min(this.route.maxKmh, Math.max(this.route.minKmh, next));
  }

  #segmentIndex(position: number): number {
    let i = 0;
    while (i < this.#cumulative.length - 2 && this.#cumulative[i + 1]! < position) i++;
    // Driving backwards on a vertex, the segment ahead is the one before it.
    if (this.#direction === -1 && i > 0 && this.#cumulative[i] === position) i--;
    return i;
  }

  #pointAt(position: number): LatLon {
    const i = this.#segmentIndex(position);
    const start = this.#cumulative[i]!;
    const length = this.#cumulative[i + 1]! - start;
    const fraction = length === 0 ? 0 : (position - start) / length;
    return interpolate(this.route.points[i]!, this.route.points[i + 1]!, fraction);
  }

  #segmentCourse(): number {
    const i = this.#segmentIndex(this.#position);
    const a = this.route.points[i]!;
    const b = this.route.points[i + 1]!;
    const bearing = this.#direction === 1 ? bearingDeg(a, b) : bearingDeg(b, a);
    return Math.round(bearing) % 360;
  }
}
