// Times are shown in Beijing time (UTC+8), the official time of Xinjiang's government offices,
// whatever the browser's time zone.
const beijing = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  hourCycle: 'h23',
});

/** Formats an ISO time as YYYY-MM-DD HH:mm:ss in Beijing time; empty for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : beijing.format(date);
}

/** Returns a Date's ISO-8601 text with the +08:00 offset, as the API accepts it. */
export function toBeijingIso(date: Date): string {
  return `${beijing.format(date).replace(' ', 'T')}+08:00`;
}
