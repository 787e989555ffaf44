import { i18n } from '../../i18n/index.ts';
import { formatTime } from '../../utils/time.ts';

/** One fact of an alert as shown to the reviewer. */
export interface FactRow {
  key: string;
  label: string;
  value: string;
}

// Facts the page shows elsewhere (the map draws the stop) or that only repeat an id.
const hidden = new Set(['latitude', 'longitude', 'placeId', 'fromLatitude', 'fromLongitude', 'toLatitude', 'toLongitude']);

/** Formats seconds as hours and minutes, or minutes and seconds under an hour. */
export function formatDuration(seconds: number): string {
  const { t } = i18n.global;
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return t('alerts.units.hoursMinutes', { hours, minutes });
  return t('alerts.units.minutesSeconds', { minutes, seconds: total % 60 });
}

/** Formats metres as m below 1 km and km above. */
export function formatDistance(metres: number): string {
  return metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(metres < 10_000 ? 2 : 1)} km`;
}

// Facts whose string values are codes with a text under alerts.vocabulary.<key>.
const vocabularies = new Set(['dayType', 'placeCategory', 'tripVerdict', 'kind', 'endReason', 'criterion', 'installSource', 'messageId']);

/** Returns the text of a vocabulary code, or the code itself when the console has no text for it. */
function vocabularyText(vocabulary: string, code: string): string {
  const { t, te } = i18n.global;
  const key = `alerts.vocabulary.${vocabulary}.${code}`;
  return te(key) ? t(key) : code;
}

function formatValue(key: string, value: unknown): string {
  const { t } = i18n.global;
  if (value === null || value === undefined) return t('common.none');
  // accAtStart, accBeforeSilence, accAfterSilence: the ignition state.
  if (typeof value === 'boolean' && key.startsWith('acc')) return value ? t('map.accOn') : t('map.accOff');
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'number') {
    if (key.endsWith('S')) return formatDuration(value);
    if (key.endsWith('M')) return formatDistance(value);
    if (key.endsWith('Kmh')) return `${value.toFixed(0)} km/h`;
    if (key.endsWith('At')) return formatTime(new Date(value).toISOString());
    return String(value);
  }
  if (typeof value === 'string') {
    if (key.endsWith('At') && !Number.isNaN(Date.parse(value))) return formatTime(value);
    if (vocabularies.has(key)) return vocabularyText(key, value);
    // The alarm detectors list the flags they saw, comma-separated, by the codec's names.
    if (key === 'alarmBits') return value.split(',').filter(Boolean).map((name) => vocabularyText('alarmBits', name)).join(t('alerts.listSeparator'));
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(t('alerts.listSeparator'));
  return JSON.stringify(value);
}

/**
 * Turns an alert's facts into labelled rows in the user's language. The unit follows the key's
 * suffix as the detectors write them: S seconds, M metres, Kmh km/h, At a time. A fact the console
 * has no label for shows its key, so nothing the detector stated is hidden from the reviewer.
 */
export function factRows(facts: Record<string, unknown>): FactRow[] {
  const { t, te } = i18n.global;
  return Object.entries(facts)
    .filter(([key]) => !hidden.has(key))
    .map(([key, value]) => ({ key, label: te(`alerts.facts.${key}`) ? t(`alerts.facts.${key}`) : key, value: formatValue(key, value) }));
}

/** Splits a frame's hex into bytes separated by spaces, for reading. */
export function spacedHex(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1 ');
}

/** Formats a text with a note in brackets, full-width in Chinese and ASCII in English. */
export function withNote(text: string, note: string): string {
  return i18n.global.t('alerts.withNote', { text, note });
}

/** Formats a time span, leaving out the end's date when it is the start's. */
export function formatSpan(start: string, end: string): string {
  const from = formatTime(start);
  const to = formatTime(end);
  return `${from} – ${to.slice(0, 10) === from.slice(0, 10) ? to.slice(11) : to}`;
}
