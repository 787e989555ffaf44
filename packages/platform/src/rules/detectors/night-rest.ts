import type { RuleContext } from '../engine/types.ts';
import { dayMs, windowOccurrences, type WindowOccurrence } from './time.ts';

/** Returns the nights (occurrences of the night window) in which a rest from `start` to `end` lasted at least minMs. */
export function restedNights(start: number, end: number, minMs: number, context: RuleContext): WindowOccurrence[] {
  return windowOccurrences(start, end, context.nightWindow, context).filter(({ overlap }) => overlap.end - overlap.start >= minMs);
}

/**
 * Returns the earliest time after `end` at which a rest that began at `start` could cover minMs of
 * a night not yet in `decided`. Until then no new night can qualify, so a detector need not look.
 */
export function nextNightDue(start: number, end: number, minMs: number, decided: readonly number[], context: RuleContext): number {
  for (const { span } of windowOccurrences(end, end + 2 * dayMs, context.nightWindow, context)) {
    if (decided.includes(span.start)) continue;
    const due = Math.max(span.start, start) + minMs;
    if (due <= span.end) return Math.max(due, end);
  }
  return end + dayMs;
}

const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The night window as a reviewer reads it, such as 22:00-07:00. */
export const nightWindowText = (context: RuleContext) => `${clock(context.nightWindow.start)}-${clock(context.nightWindow.end)}`;
