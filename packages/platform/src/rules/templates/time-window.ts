import { z } from 'zod';

/** A time of day written HH:MM (24-hour clock), local to the rules' time zone. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day HH:MM from 00:00 to 23:59');

/** A daily window; end before start crosses midnight (a night window such as 23:00-08:00). */
export const timeWindow = z.strictObject({ start: clockTime, end: clockTime }).refine((w) => w.start !== w.end, 'start and end must differ');
export type TimeWindow = z.infer<typeof timeWindow>;

/** Minutes after local midnight of an HH:MM time. */
export function clockMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Converts a window to minutes after local midnight, the form RuleContext carries. */
export function windowMinutes(window: TimeWindow): { start: number; end: number } {
  return { start: clockMinutes(window.start), end: clockMinutes(window.end) };
}
