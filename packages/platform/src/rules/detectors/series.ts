/** A run of repeated findings reported as one alert: it keeps its first finding's time as its merge key. */
export interface Series {
  start: number;
  last: number;
}

/**
 * Returns the series a new finding at `at` belongs to. It continues the current series when its
 * latest finding is at most gapMs earlier. Otherwise a new series starts at `first`, the earliest
 * finding counted towards it.
 */
export function continueSeries(series: Series | null, first: number, at: number, gapMs: number): Series {
  if (series && at - series.last <= gapMs) return { start: series.start, last: Math.max(series.last, at) };
  return { start: first, last: at };
}
