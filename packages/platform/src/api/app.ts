import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../store/db.ts';
import type { Logger } from '../logger.ts';
import type { GatewayControl } from '../gateway/control.ts';
import type { Config } from '../config.ts';
import type { ApiOptions, ZodApp } from './context.ts';
import { installErrorHandlers } from './error-handler.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { registerConsole } from '../console/serve.ts';
import { mapSettingsFromEnv, tileOrigins } from '../console/map-settings.ts';
import { csrfHeaderValue, installAuthentication, sessionCookie } from './authentication.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { unitRoutes } from './routes/units.ts';
import { vehicleRoutes } from './routes/vehicles.ts';
import { terminalRoutes } from './routes/terminals.ts';
import { registryImportRoutes } from './routes/registry-import.ts';
import { positionRoutes } from './routes/positions.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { userRoutes } from './routes/users.ts';
import { secondFactorRoutes } from './routes/second-factor.ts';
import { auditRoutes } from './routes/audit.ts';
import { rolloutBatchRoutes } from './routes/rollout-batches.ts';
import { rolloutFormRoutes } from './routes/rollout-forms.ts';
import { rolloutReviewRoutes } from './routes/rollout-reviews.ts';
import { rolloutInstallationRoutes } from './routes/rollout-installation.ts';
import { rolloutBulletinRoutes } from './routes/rollout-bulletins.ts';
import { platformVersion } from './version.ts';
import { liveRoutes } from './routes/live.ts';
import { alertRoutes } from './routes/alerts.ts';
import { placeRoutes } from './routes/places.ts';
import { orderRoutes } from './routes/orders.ts';
import { driverRoutes } from './routes/drivers.ts';
import { calendarRoutes } from './routes/calendar.ts';
import { ruleRoutes } from './routes/rules.ts';
import { rulesReplayRoutes } from './routes/rules-replay.ts';
import { tripRoutes } from './routes/trips.ts';
import { securityRoutes } from './routes/security.ts';
import { AlertHub } from '../alerts/hub.ts';

const bodyLimitBytes = 1024 * 1024;

const apiDescription = `HTTP API of the gongche platform.

Authentication: POST /api/auth/login returns a token and sets the HttpOnly cookie \`${sessionCookie}\`.
Send either the cookie or the header \`Authorization: Bearer <token>\`.
Cookie-authenticated POST, PUT, PATCH and DELETE requests must also send \`X-Requested-With: ${csrfHeaderValue}\`
(a guard against cross-site request forgery); bearer requests need no such header.
A user whose password must be changed (one-time or expired) may call only /api/auth/password, /api/auth/me, /api/auth/logout and the TOTP enrolment routes.
Roles sys_admin, security_admin and auditor must enrol TOTP (POST /api/auth/totp/setup, then /api/auth/totp/enable) before anything else; log-in then needs totpCode.
Ids outside the user's unit scope are answered 404 GONGCHE_ERR_NOT_FOUND like ids that do not exist; a role without access to a kind of resource gets 403.

Errors: \`{ "error": { "code": "GONGCHE_ERR_…", "message": "…", "value"?: …, "details"?: [ … ] } }\`.`;

async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'gongche API', version, description: apiDescription },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: sessionCookie },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}

/**
 * Builds the HTTP API on an open store: JSON errors, security headers, sessions, OpenAPI
 * documentation at /api/docs and every /api route. It does not listen; the caller does.
 */
export async function buildApi(options: { store: Store; logger: Logger; gateway: GatewayControl; config: Config; alertHub?: AlertHub }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'api' }),
    bodyLimit: bodyLimitBytes,
    ...(options.config.trustProxy && { trustProxy: options.config.trustProxy }),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  const mapSettings = mapSettingsFromEnv();
  installSecurityHeaders(app, { consoleImageSources: tileOrigins(mapSettings) });
  await app.register(cookie);
  installAuthentication(app, options.store.db, options.config.auth);

  await registerDocs(app, platformVersion);

  const zodApp = app.withTypeProvider<ZodTypeProvider>() as ZodApp;
  const context: ApiOptions = { ...options, alertHub: options.alertHub ?? new AlertHub(options.store.db, options.logger, options.config.auth) };
  for (const routes of [healthRoutes, authRoutes, unitRoutes, vehicleRoutes, terminalRoutes, registryImportRoutes, positionRoutes, alarmRoutes, auditRoutes, userRoutes, secondFactorRoutes, rolloutBatchRoutes, rolloutFormRoutes, rolloutReviewRoutes, rolloutInstallationRoutes, rolloutBulletinRoutes, alertRoutes, liveRoutes, placeRoutes, orderRoutes, driverRoutes, calendarRoutes, ruleRoutes, rulesReplayRoutes, tripRoutes, securityRoutes]) {
    await routes(zodApp, context);
  }
  await registerConsole(zodApp, { map: mapSettings, leadershipVehicles: options.config.leadershipVehicles, logger: options.logger });
  return app;
}
