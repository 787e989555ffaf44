import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { appendAudit } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { enableTotp, startTotpSetup } from '../../security/second-factor.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, userOutput } from '../schemas.ts';

/** TOTP enrolment of the logged-in user (RFC 6238: SHA-1, 6 digits, 30 s). */
export async function secondFactorRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const tags = ['auth'];
  const config = { allowedBeforePasswordChange: true, allowedBeforeTotpEnrolment: true };

  app.post('/api/auth/totp/setup', {
    config,
    schema: {
      tags,
      summary: 'Start TOTP enrolment',
      description: 'Returns a new secret and its otpauth:// URI (for a QR code) once; the secret is in force only after POST /api/auth/totp/enable. 409 when TOTP is already enabled.',
      response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    const setup = await startTotpSetup(store.db, user, requireKeyring(store));
    request.log.info({ userId: user.id }, 'TOTP setup started');
    return setup;
  });

  app.post('/api/auth/totp/enable', {
    config,
    schema: {
      tags,
      summary: 'Enable TOTP with a current code',
      description: 'From then on, log-in needs totpCode. The code used here cannot be used again.',
      body: z.object({ code: z.string().trim().regex(/^\d{6}$/, 'code must be the 6 digits of the authenticator app') }),
      response: { 200: userOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    await enableTotp(store.db, user, request.body.code, requireKeyring(store));
    appendAudit(store, { actor: requestActor(request), action: 'auth.totp_enabled', objectType: 'user', objectId: user.id });
    request.log.info({ userId: user.id }, 'TOTP enabled');
    return { ...user, totpEnabled: true };
  });
}
