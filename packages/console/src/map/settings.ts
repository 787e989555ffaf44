import { api } from '../api/http.ts';
import type { ConsoleSettings, MapSettings } from '../api/types.ts';

let cached: Promise<MapSettings> | null = null;

/** Loads the console settings for the logged-in user, uncached because the leadership part depends on the user. */
export function loadConsoleSettings(): Promise<ConsoleSettings> {
  return api.get<ConsoleSettings>('/api/console/settings');
}

/** Loads the map settings of the server once per page load: they are the same for every user. */
export function loadMapSettings(): Promise<MapSettings> {
  cached ??= loadConsoleSettings().then((settings) => settings.map).catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
