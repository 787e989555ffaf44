import type { PositionItem } from '../api/types.ts';

export interface Stop {
  /** Index of the first position of the stop. */
  index: number;
  latitude: number;
  longitude: number;
  from: string;
  to: string;
  minutes: number;
}

// Below this speed a fix counts as standing; GNSS jitter reports a few km/h at rest.
const standingKmh = 5;

/**
 * Finds the stops of a track: runs of fixes at standing speed that last at least `minMinutes`
 * by device time. The server's rules engine segments stops with more care (drift, ACC, gaps);
 * this is only the playback's marking.
 */
export function findStops(items: PositionItem[], minMinutes = 5): Stop[] {
  const stops: Stop[] = [];
  let start = -1;
  const close = (end: number) => {
    if (start < 0) return;
    const first = items[start]!;
    const last = items[end]!;
    const minutes = (Date.parse(last.time ?? last.receivedAt) - Date.parse(first.time ?? first.receivedAt)) / 60_000;
    if (minutes >= minMinutes) stops.push({ index: start, latitude: first.latitude, longitude: first.longitude, from: first.time ?? first.receivedAt, to: last.time ?? last.receivedAt, minutes: Math.round(minutes) });
    start = -1;
  };
  items.forEach((item, i) => {
    if (item.speedKmh <= standingKmh) {
      if (start < 0) start = i;
    } else {
      close(i - 1);
    }
  });
  close(items.length - 1);
  return stops;
}
