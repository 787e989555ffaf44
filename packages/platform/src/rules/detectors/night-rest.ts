import type { RuleContext } from '../engine/types.ts';
import { windowOccurrences, type WindowOccurrence } from './time.ts';

/** Returns the nights (occurrences of the night window) in which a rest from `start` to `end` lasted at least minMs. */
export function restedNights(start: number, end: number, minMs: number, context: RuleContext): WindowOccurrence[] {
  return windowOccurrences(start, end, context.nightWindow, context).filter(({ overlap }) => overlap.end - overlap.start >= minMs);
}

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The night window as a reviewer reads it, such as 22:00-07:00. */
export const nightWindowText = (context: RuleContext) => `${clock(context.nightWindow.start)}-${clock(context.nightWindow.end)}`;
