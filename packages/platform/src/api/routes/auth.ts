import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiOptions, ZodApp } from '../context.ts';
import { AppError, invalid } from '../../errors.ts';
import { checkLogin } from '../../security/login.ts';
import { createSession, deleteSession } from '../../security/sessions.ts';
import { passwordProblem, verifyPassword } from '../../security/passwords.ts';
import { setPassword, toUser } from '../../security/users.ts';
import { currentUser, sessionCookie } from '../authentication.ts';
import { errorBody, errorResponses, userOutput } from '../schemas.ts';

const loginBody = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
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

  app.post('/api/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: 'Log in',
      description: 'Sets the HttpOnly cookie gongche_session and returns the same token for `Authorization: Bearer <token>`.',
      body: loginBody,
      response: { 200: z.object({ token: z.string(), user: userOutput, mustChangePassword: z.boolean() }), 401: errorBody, 423: errorBody },
    },
  }, async (request, reply) => {
    const row = await checkLogin(db, request.body.username, request.body.password, config.auth);
    const token = await createSession(db, row.id);
    setSessionCookie(request, reply, token, config.auth.sessionMaxLifetimeS);
    const user = toUser(row);
    request.log.info({ userId: user.id, username: user.username }, 'user logged in');
    return { token, user, mustChangePassword: user.mustChangePassword };
  });

  app.post('/api/auth/logout', {
    config: { allowedBeforePasswordChange: true },
    schema: { tags: ['auth'], summary: 'Log out (ends this session)', response: { 204: z.null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteSession(db, request.auth!.tokenHash);
    reply.clearCookie(sessionCookie, { path: '/' });
    request.log.info({ userId: request.auth!.user.id }, 'user logged out');
    return reply.status(204).send(null);
  });

  app.get('/api/auth/me', {
    config: { allowedBeforePasswordChange: true },
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userOutput, ...errorResponses } },
  }, async (request) => currentUser(request));

  app.post('/api/auth/password', {
    config: { allowedBeforePasswordChange: true },
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
    return { ...user, mustChangePassword: false };
  });
}
