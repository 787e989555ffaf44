import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiOptions, ZodApp } from '../context.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { AppError, invalid } from '../../errors.ts';
import { checkLogin, passwordExpired } from '../../security/login.ts';
import { mustEnrolTotp } from '../../security/second-factor.ts';
import { RateLimiter, rateLimitHook } from '../rate-limit.ts';
import { createSession, deleteSession } from '../../security/sessions.ts';
import { passwordProblem, verifyPassword } from '../../security/passwords.ts';
import { setPassword, toUser } from '../../security/users.ts';
import { currentUser, sessionCookie } from '../authentication.ts';
import { errorBody, errorResponses, userOutput } from '../schemas.ts';
import { auditedLogin } from '../../audit/login-audit.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';

const loginBody = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  totpCode: z.string().trim().regex(/^\d{6}$/, 'totpCode must be the 6 digits of the authenticator app').optional()
    .describe('Current code of the authenticator app; required once the account has enabled TOTP'),
});

const passwordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeS: number) {
  reply.setCookie(sessionCookie, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: maxAgeS,
  });
}

/** Log-in, log-out, the current user and password change. */
export async function authRoutes(app: ZodApp, { store, config }: ApiOptions): Promise<void> {
  const { db } = store;
  const loginLimiter = new RateLimiter({ max: config.auth.loginRateLimitMax, windowS: config.auth.loginRateLimitWindowS });

  app.post('/api/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: 'Log in',
      description:
        'Sets the HttpOnly cookie gongche_session and returns the same token for `Authorization: Bearer <token>`. ' +
        `Accounts with TOTP enabled also send totpCode. At most ${config.auth.loginRateLimitMax} attempts per client address in ${config.auth.loginRateLimitWindowS} s (429 after that).`,
      body: loginBody,
      response: {
        200: z.object({
          token: z.string(),
          user: userOutput,
          mustChangePassword: z.boolean(),
          passwordExpired: z.boolean().describe('The password is older than the expiry policy allows and must be changed now'),
          mustEnrolTotp: z.boolean().describe('The role needs a second factor that is not enrolled yet'),
        }),
        401: errorBody,
        403: errorBody,
        423: errorBody,
        429: errorBody,
      },
    },
    onRequest: rateLimitHook(loginLimiter, (request) => {
      request.log.warn({ address: request.ip }, 'log-in rate limit exceeded');
      appendAudit(store, { actor: { userId: null, username: 'anonymous', address: request.ip }, action: 'auth.login_rate_limited', detail: { max: config.auth.loginRateLimitMax, windowS: config.auth.loginRateLimitWindowS } });
    }),
  }, async (request, reply) => {
    const { username, password, totpCode } = request.body;
    const row = await auditedLogin(store, request, username, () => checkLogin(db, username, password, config.auth, Date.now(), totpCode, requireKeyring(store)));
    const token = await createSession(db, row.id);
    setSessionCookie(request, reply, token, config.auth.sessionMaxLifetimeS);
    const user = toUser(row);
    request.log.info({ userId: user.id, username: user.username }, 'user logged in');
    return { token, user, mustChangePassword: user.mustChangePassword, passwordExpired: passwordExpired(row, config.auth), mustEnrolTotp: mustEnrolTotp(user, config.auth) };
  });

  app.post('/api/auth/logout', {
    config: { allowedBeforePasswordChange: true, allowedBeforeTotpEnrolment: true },
    schema: { tags: ['auth'], summary: 'Log out (ends this session)', response: { 204: z.null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteSession(db, request.auth!.tokenHash);
    reply.clearCookie(sessionCookie, { path: '/' });
    request.log.info({ userId: request.auth!.user.id }, 'user logged out');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.logout, objectType: 'user', objectId: request.auth!.user.id });
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { allowedBeforePasswordChange: true, allowedBeforeTotpEnrolment: true },
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userOutput, ...errorResponses } },
  }, async (request) => currentUser(request));

  app.post('/api/auth/password', {
    config: { allowedBeforePasswordChange: true, allowedBeforeTotpEnrolment: true },
    schema: {
      tags: ['auth'],
      summary: 'Change own password',
      description: 'At least 10 characters with at least 3 of lower-case, upper-case, digits and symbols, not the user name. Ends the user\'s other sessions.',
      body: passwordBody,
      response: { 200: userOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    if (!(await verifyPassword(request.body.currentPassword, row.password_hash))) {
      throw new AppError('GONGCHE_ERR_PASSWORD_INCORRECT', 403, 'Current password is wrong; enter the password you logged in with');
    }
    const { newPassword } = request.body;
    const problem = passwordProblem(newPassword, user.username);
    const sameAsOld = newPassword === request.body.currentPassword;
    if (problem || sameAsOld) {
      const message = problem ? `New password ${problem}` : 'New password must differ from the current password';
      throw invalid(message, undefined, [{ path: 'body.newPassword', message }]);
    }
    await setPassword(db, user.id, newPassword, { mustChangePassword: false, keepTokenHash: request.auth!.tokenHash });
    request.log.info({ userId: user.id }, 'password changed');
    appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.passwordChanged, objectType: 'user', objectId: user.id });
    return { ...user, mustChangePassword: false };
  });
}
