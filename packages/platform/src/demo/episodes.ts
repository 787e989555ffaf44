import { distanceM } from '../ingest/geo.ts';
import { shapeBox, type Place } from '../rules/places.ts';

/** One fix of a scripted episode; times are UTC milliseconds. */
export interface EpisodeFix {
  time: number;
  latitude: number;
  longitude: number;
  speedKmh: number;
  acc: boolean;
  alarm: number;
}

/** A scripted day of one demo vehicle that the rules should find, uploaded as a blind-area batch. */
export interface Episode {
  name: string;
  /** The finding the episode demonstrates, as a rule code. */
  rule: string;
  fixes: EpisodeFix[];
}

/** The places an episode needs: its vehicle's designated parking and the place it goes to. */
export interface EpisodePlaces {
  home: Place;
  target: Place;
}

const minuteMs = 60_000;
const hourMs = 3_600_000;
const beijingOffsetMs = 8 * hourMs;
const mainPowerCutBit = 1 << 8;

interface Point {
  latitude: number;
  longitude: number;
}

/** Returns the centre of a place's bounding box, which lies inside the circles and compact polygons of the demo set. */
export function placeCentre(place: Place): Point {
  const [minLon, minLat, maxLon, maxLat] = shapeBox(place.shape);
  return { latitude: (minLat + maxLat) / 2, longitude: (minLon + maxLon) / 2 };
}

/**
 * Returns midnight (UTC ms) of the Beijing date before the one of `now`, or of the date two days
 * back before 09:00 Beijing time, so that every episode, overnight ones included, ends before now.
 */
export function episodeDay(now: number): number {
  const beijing = now + beijingOffsetMs;
  const midnight = beijing - (beijing % (24 * hourMs)) - beijingOffsetMs;
  const beforeNine = beijing % (24 * hourMs) < 9 * hourMs;
  return midnight - (beforeNine ? 2 : 1) * 24 * hourMs;
}

/** Deterministic drift of a parked vehicle's fixes, up to about 8 m, so that a replayed episode stores the same fixes. */
function drift(point: Point, index: number): Point {
  const metres = 8 * Math.sin(index * 12.9898);
  const bearing = index * 2.3999;
  return {
    latitude: point.latitude + (metres * Math.cos(bearing)) / 111_320,
    longitude: point.longitude + (metres * Math.sin(bearing)) / (111_320 * Math.cos((point.latitude * Math.PI) / 180)),
  };
}

function park(at: Point, start: number, end: number, alarm = 0): EpisodeFix[] {
  const fixes: EpisodeFix[] = [];
  for (let time = start, i = 0; time <= end; time += 2 * minuteMs, i++) {
    fixes.push({ time, ...drift(at, i), speedKmh: 0, acc: false, alarm });
  }
  return fixes;
}

/** Drives in a straight line at 30 km/h with a fix every 20 s; returns the fixes and the arrival time. */
function drive(from: Point, to: Point, start: number, alarm = 0): { fixes: EpisodeFix[]; arrival: number } {
  const speedKmh = 30;
  const durationMs = Math.max(minuteMs, (distanceM(from.latitude, from.longitude, to.latitude, to.longitude) / (speedKmh / 3.6)) * 1000);
  const steps = Math.ceil(durationMs / 20_000);
  const fixes: EpisodeFix[] = [];
  for (let i = 1; i < steps; i++) {
    const f = i / steps;
    fixes.push({
      time: start + Math.round((durationMs * i) / steps / 1000) * 1000,
      latitude: from.latitude + (to.latitude - from.latitude) * f,
      longitude: from.longitude + (to.longitude - from.longitude) * f,
      speedKmh,
      acc: true,
      alarm,
    });
  }
  return { fixes, arrival: start + Math.ceil(durationMs / minuteMs) * minuteMs };
}

/** Builds an evening at an entertainment venue, 21:00 to 22:10 Beijing time, driving from and back to the designated parking. */
export function venueEvening(day: number, places: EpisodePlaces): Episode {
  const home = placeCentre(places.home);
  const venue = placeCentre(places.target);
  const out = drive(home, venue, day + 20 * hourMs + 40 * minuteMs);
  const leave = day + 22 * hourMs + 10 * minuteMs;
  const back = drive(venue, home, leave);
  return {
    name: `evening at ${places.target.name}`,
    rule: 'non_official_place',
    fixes: [...park(home, day + 20 * hourMs, day + 20 * hourMs + 40 * minuteMs), ...out.fixes, ...park(venue, out.arrival, leave), ...back.fixes, ...park(home, back.arrival, back.arrival + 30 * minuteMs)],
  };
}

/** Builds a night at a residential compound: the vehicle leaves the designated parking at 19:30 and returns at 08:30 the next morning. */
export function residentialNight(day: number, places: EpisodePlaces): Episode {
  const home = placeCentre(places.home);
  const compound = placeCentre(places.target);
  const out = drive(home, compound, day + 19 * hourMs + 30 * minuteMs);
  const leave = day + 32 * hourMs + 30 * minuteMs;
  const back = drive(compound, home, leave);
  return {
    name: `night at ${places.target.name}`,
    rule: 'off_hours_parking',
    fixes: [...park(home, day + 19 * hourMs, day + 19 * hourMs + 30 * minuteMs), ...out.fixes, ...park(compound, out.arrival, leave), ...back.fixes, ...park(home, back.arrival, back.arrival + 30 * minuteMs)],
  };
}

/** Builds a 25-minute main power cut in the afternoon while the vehicle is parked at its unit. */
export function powerCut(day: number, places: EpisodePlaces): Episode {
  const home = placeCentre(places.home);
  const cut = day + 15 * hourMs;
  return {
    name: `main power cut at ${places.home.name}`,
    rule: 'device_power_cut',
    fixes: [...park(home, cut - 20 * minuteMs, cut - 2 * minuteMs), ...park(home, cut, cut + 25 * minuteMs, mainPowerCutBit), ...park(home, cut + 27 * minuteMs, cut + 45 * minuteMs)],
  };
}
