import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import { AppError, unauthorized } from '../errors.ts';
import { resolveSession } from '../security/sessions.ts';
import { toUser, type User } from '../security/users.ts';
import { mustEnrolTotp } from '../security/second-factor.ts';

export const sessionCookie = 'gongche_session';
/** Header value that cookie-authenticated unsafe requests must carry, so that other sites cannot forge them. */
export const csrfHeaderValue = 'gongche';

export interface RequestAuth {
  user: User;
  tokenHash: string;
  via: 'cookie' | 'bearer';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    /** Route is served without log-in. */
    public?: boolean;
    /** Route stays usable while the user must still change a one-time password. */
    allowedBeforePasswordChange?: boolean;
    /** Route stays usable while a user whose role needs a second factor has not enrolled one yet. */
    allowedBeforeTotpEnrolment?: boolean;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isPublic(request: FastifyRequest): boolean {
  if (request.routeOptions.url === undefined) return true; // unknown route: the not-found handler replies 404
  if (request.routeOptions.config.public) return true;
  const path = request.url.split('?')[0] ?? '';
  return path === '/metrics' || path === '/api/docs' || path.startsWith('/api/docs/');
}

function readToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (!bearer) throw unauthorized('Invalid Authorization header: expected "Bearer <token>" with the token from POST /api/auth/login');
    // No session token has another shape, so this one was mistyped, cut off or made up.
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(bearer[1]!)) throw unauthorized('Session expired or unknown: log in again with POST /api/auth/login');
    return { token: bearer[1]!, via: 'bearer' };
  }
  const cookie = request.cookies[sessionCookie];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

/** Returns the logged-in user of a request that passed the authentication hook. */
export function currentUser(request: FastifyRequest): User {
  if (!request.auth) throw unauthorized();
  return request.auth.user;
}

/**
 * Installs the hook that resolves the session of every non-public request, applies the
 * cookie CSRF guard and holds back users who must change their password or enrol a second factor.
 */
export function installAuthentication(app: FastifyInstance, db: Kysely<Database>, settings: AuthSettings): void {
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    if (isPublic(request)) return;
    const credentials = readToken(request);
    if (!credentials) throw unauthorized();
    const session = await resolveSession(db, credentials.token, settings);
    if (!session) throw unauthorized('Session expired or unknown: log in again with POST /api/auth/login');

    if (credentials.via === 'cookie' && unsafeMethods.has(request.method) && request.headers['x-requested-with'] !== csrfHeaderValue) {
      throw new AppError('GONGCHE_ERR_CSRF', 403, `Cookie-authenticated ${request.method} requests must send the header "X-Requested-With: ${csrfHeaderValue}"`);
    }

    const user = toUser(session.user);
    request.auth = { user, tokenHash: session.tokenHash, via: credentials.via };
    if (user.mustChangePassword && !request.routeOptions.config.allowedBeforePasswordChange) {
      throw new AppError(
        'GONGCHE_ERR_PASSWORD_CHANGE_REQUIRED',
        403,
        'Password change required: set a new password with POST /api/auth/password before using the rest of the API',
      );
    }
    if (mustEnrolTotp(user, settings) && !request.routeOptions.config.allowedBeforeTotpEnrolment) {
      throw new AppError(
        'GONGCHE_ERR_TOTP_ENROLMENT_REQUIRED',
        403,
        `Role ${user.role} needs a second factor: enrol with POST /api/auth/totp/setup and POST /api/auth/totp/enable before using the rest of the API`,
      );
    }
  });
}
