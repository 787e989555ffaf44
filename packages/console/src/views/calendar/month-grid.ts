/** A date of a month grid; weekday 0 is Monday and 6 is Sunday, as Chinese calendars print them. */
export interface GridDay {
  date: string;
  day: number;
  weekday: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Returns the weeks of a month, Monday first, with null where a week runs into the month before or after. */
export function monthGrid(year: number, month: number): (GridDay | null)[][] {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const firstWeekday = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
  const cells: (GridDay | null)[] = Array.from({ length: firstWeekday }, () => null);
  for (let day = 1; day <= days; day++) {
    cells.push({ date: `${year}-${pad(month)}-${pad(day)}`, day, weekday: (firstWeekday + day - 1) % 7 });
  }
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (GridDay | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
