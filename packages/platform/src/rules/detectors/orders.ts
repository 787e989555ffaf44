import type { TripOrderFact } from '../engine/types.ts';

/** True when the order's window, widened by toleranceMs on both sides, contains [start, end]. */
export function orderCovers(order: TripOrderFact, start: number, end: number, toleranceMs: number): boolean {
  return order.start - toleranceMs <= start && end <= order.end + toleranceMs;
}
