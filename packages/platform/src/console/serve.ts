import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import type { ZodApp } from '../api/context.ts';
import type { Logger } from '../logger.ts';
import { unavailable } from '../errors.ts';
import { errorResponses } from '../api/schemas.ts';
import type { MapSettings } from './map-settings.ts';
import type { LeadershipVehicleSettings } from '../config.ts';
import { currentUser } from '../api/authentication.ts';
import { isLiveLeadershipViewer } from '../api/access.ts';

/** Folder of the built console: GONGCHE_CONSOLE_DIR, or packages/console/dist of this repository. */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GONGCHE_CONSOLE_DIR) return path.resolve(env.GONGCHE_CONSOLE_DIR);
  return fileURLToPath(new URL('../../../console/dist/', import.meta.url));
}

const mapOutput = z.object({
  tiles: z.enum(['none', 'osm', 'tianditu', 'amap', 'custom']),
  urls: z.array(z.string()),
  subdomains: z.array(z.string()),
  datum: z.enum(['wgs84', 'gcj02']).describe('Datum of the tiles; positions are shifted from WGS-84 to GCJ-02 for display when gcj02'),
  attribution: z.string(),
  maxZoom: z.number(),
});

const leadershipOutput = z.object({
  reasonRequired: z.boolean().describe('true when the user sees leadership vehicles live only with a stated reason, so the console asks for one before reading their positions'),
  minReasonLength: z.number().describe('Minimum length, in characters, of that reason'),
});

// Paths the single-page application never owns: unknown ones get the API's JSON 404.
function isServerPath(wildcard: string): boolean {
  return wildcard === 'api' || wildcard.startsWith('api/') || wildcard === 'metrics';
}

/**
 * Serves the web console: GET /api/console/settings for any logged-in user, the built files
 * without log-in (hashed assets cached for a year, index.html revalidated on every load), and
 * index.html for every other GET path outside /api, so that the console's own routes survive a
 * reload. Without a built console, / answers 503 with the build command.
 */
export async function registerConsole(app: ZodApp, options: { map: MapSettings; leadershipVehicles: LeadershipVehicleSettings; logger: Logger; dir?: string }): Promise<void> {
  app.get('/api/console/settings', {
    schema: {
      tags: ['console'],
      summary: 'Settings of the web console: the base map\'s tile source and whether the user must state a reason to see leadership vehicles live',
      response: { 200: z.object({ map: mapOutput, leadership: leadershipOutput }), ...errorResponses },
    },
  }, async (request) => ({
    map: options.map,
    leadership: {
      reasonRequired: isLiveLeadershipViewer(currentUser(request), options.leadershipVehicles),
      minReasonLength: options.leadershipVehicles.minReasonLength,
    },
  }));

  const dir = options.dir ?? consoleDir();
  const built = fs.existsSync(path.join(dir, 'index.html'));
  if (!built) options.logger.warn({ dir }, 'web console not built; run npm run build --workspace @gongche/console');

  await app.register(async (scope) => {
    // The console's files are public: the log-in page itself is one of them.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    if (!built) {
      scope.get('/', { schema: { hide: true } }, async () => {
        throw unavailable(`The web console is not built in ${dir}; run npm run build --workspace @gongche/console (npm start does it)`, dir);
      });
      return;
    }
    await scope.register(fastifyStatic, { root: dir, serve: false });
    scope.get('/assets/*', { schema: { hide: true } }, (request, reply) => {
      const file = (request.params as { '*': string })['*'];
      return reply.sendFile(path.posix.join('assets', file), { immutable: true, maxAge: '365d' });
    });
    scope.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (isServerPath((request.params as { '*': string })['*'])) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  });
}
