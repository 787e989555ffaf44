import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { Database } from '../../store/schema.ts';
import type { AuthSettings } from '../../config.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import type { DataKeyStatus, Keyring } from '../../crypto/keyring.ts';
import { rotateDataKey } from '../../crypto/rotation.ts';
import { defaultMasterKeyFile, requireKeyring } from '../../crypto/setup.ts';
import { minPasswordClasses, minPasswordLength } from '../../security/passwords.ts';
import { totpDigits, totpStepS, totpWindowSteps } from '../../security/totp.ts';
import { roles, type Role } from '../../security/users.ts';
import { assertCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, isoTime } from '../schemas.ts';

const dataKeyOutput = z.object({
  id: z.number(),
  algorithm: z.string(),
  createdAt: isoTime,
  state: z.enum(['active', 'retired']).describe('Only the active key seals new data; retired keys open what they sealed'),
  retiredAt: isoTime.nullable(),
  rotationDueAt: isoTime.nullable().describe('Creation time plus dataKeyPeriodDays for the active key, null for retired keys. The platform replaces an overdue key at its next write'),
  masterFingerprint: z.string().describe('Fingerprint of the master key that wrapped this key'),
  masterKeyOpens: z.boolean().describe('Whether the running platform\'s master key unwraps this key'),
});

const keysOutput = z.object({
  algorithm: z.string().describe('Algorithm of new data keys'),
  dataKeyPeriodDays: z.number(),
  masterKey: z.object({
    fingerprint: z.string(),
    source: z.string().describe('Environment variable or file the master key was read from'),
    besideDatabase: z.boolean().describe('true when the key is master.key in the data folder, which protects nothing against a copy of the folder'),
  }),
  items: z.array(dataKeyOutput),
});

const rotateOutput = z.object({ key: dataKeyOutput, previousKeyId: z.number().nullable() });

const secondFactorUser = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(roles),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  totpRequired: z.boolean().describe('Whether the role must enrol TOTP (auth.totpRequiredRoles)'),
  lockedUntil: isoTime.nullable(),
  lastLoginAt: isoTime.nullable().describe('Time of the newest auth.login entry of the audit log; null when the user never logged in'),
});

const overviewOutput = z.object({
  passwordPolicy: z.object({
    minLength: z.number(),
    minCharacterClasses: z.number().describe('Of lower case, upper case, digits and symbols'),
    mayEqualUsername: z.boolean(),
    maxAgeDays: z.number().describe('0: passwords do not expire'),
  }),
  sessions: z.object({ idleTimeoutS: z.number(), maxLifetimeS: z.number() }),
  lockout: z.object({ maxFailedLogins: z.number(), lockoutS: z.number() }),
  loginRateLimit: z.object({ max: z.number(), windowS: z.number() }),
  secondFactor: z.object({
    requiredRoles: z.array(z.enum(roles)),
    digits: z.number(),
    stepS: z.number(),
    windowSteps: z.number().describe('Steps before and after the current one that are also accepted'),
  }),
  encryption: z.object({ algorithm: z.string(), dataKeyPeriodDays: z.number() }),
  users: z.array(secondFactorUser),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDataKeyOutput(key: DataKeyStatus): z.infer<typeof dataKeyOutput> {
  return {
    id: key.id,
    algorithm: key.algorithm,
    createdAt: iso(key.createdAt)!,
    state: key.retiredAt === null ? 'active' : 'retired',
    retiredAt: iso(key.retiredAt),
    rotationDueAt: iso(key.rotationDueAt),
    masterFingerprint: key.masterFingerprint,
    masterKeyOpens: key.masterKeyOpens,
  };
}

/** Lists every account with its second-factor state and the time of its last log-in from the audit log. */
async function secondFactorUsers(db: Kysely<Database>, auth: AuthSettings): Promise<z.infer<typeof secondFactorUser>[]> {
  const rows = await db.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'disabled', 'totp_enabled', 'locked_until']).orderBy('id').execute();
  // NOTE: this reads every log-in entry of the audit log (through the index on action and time),
  // because the users table does not store the last log-in.
  const logins = await db
    .selectFrom('audit_log')
    .select((eb) => ['actor_user_id', eb.fn.max('at').as('at')])
    .where('action', '=', AUDIT_ACTIONS.login)
    .where('actor_user_id', 'is not', null)
    .groupBy('actor_user_id')
    .execute();
  const lastLogin = new Map(logins.map((row) => [row.actor_user_id, Number(row.at)]));
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    disabled: row.disabled === 1,
    totpEnabled: row.totp_enabled === 1,
    totpRequired: auth.totpRequiredRoles.includes(row.role as Role),
    lockedUntil: iso(row.locked_until),
    lastLoginAt: iso(lastLogin.get(row.id) ?? null),
  }));
}

function keysOf(keyring: Keyring, dataDir: string): z.infer<typeof keysOutput> {
  return {
    algorithm: keyring.settings.algorithm,
    dataKeyPeriodDays: keyring.settings.dataKeyPeriodDays,
    masterKey: {
      fingerprint: keyring.master.fingerprint,
      source: keyring.master.source,
      besideDatabase: keyring.master.source === defaultMasterKeyFile(dataDir),
    },
    items: keyring.inspect().map(toDataKeyOutput),
  };
}

/**
 * Security administration (security_admin, capability security.manage): the data keys, their
 * rotation, and the security settings in force with each account's second-factor state. No
 * response carries key material. Resetting a second factor stays at POST /api/users/:id/reset-totp.
 */
export async function securityRoutes(app: ZodApp, { store, config }: ApiOptions): Promise<void> {
  const tags = ['security'];

  app.get('/api/security/keys', {
    schema: {
      tags,
      summary: 'List the data keys (never their material)',
      description: 'Each key with its state, rotation due date and whether the master key of the running platform opens it.',
      response: { 200: keysOutput, ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'security.manage');
    const keys = keysOf(requireKeyring(store), config.dataDir);
    const unopened = keys.items.filter((key) => !key.masterKeyOpens).map((key) => key.id);
    if (unopened.length > 0) request.log.warn({ keyIds: unopened, masterFingerprint: keys.masterKey.fingerprint }, 'master key does not open some data keys');
    return keys;
  });

  app.post('/api/security/keys/rotate', {
    schema: {
      tags,
      summary: 'Rotate the data key now',
      description: 'Creates a new active data key for new positions, frames and secrets, as `gongche keys rotate` does; the previous key is retired and still opens its data. Recorded as keys.rotated.',
      response: { 201: rotateOutput, ...errorResponses },
    },
  }, async (request, reply) => {
    assertCapability(currentUser(request), 'security.manage');
    const keyring = requireKeyring(store);
    const { key, previousKeyId } = rotateDataKey(store, keyring, requestActor(request));
    request.log.info({ keyId: key.id, previousKeyId, algorithm: key.algorithm }, 'data key rotated');
    const status = keyring.inspect().find((item) => item.id === key.id)!;
    return reply.status(201).send({ key: toDataKeyOutput(status), previousKeyId });
  });

  app.get('/api/security/overview', {
    schema: {
      tags,
      summary: 'Security settings in force and each account\'s second-factor state',
      description: 'Password policy, session lifetime, log-in lockout and rate limit, TOTP parameters and required roles, the encryption algorithm, and per account whether TOTP is enrolled and when it last logged in.',
      response: { 200: overviewOutput, ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'security.manage');
    const auth = config.auth;
    const keyring = requireKeyring(store);
    return {
      passwordPolicy: { minLength: minPasswordLength, minCharacterClasses: minPasswordClasses, mayEqualUsername: false, maxAgeDays: auth.passwordMaxAgeDays },
      sessions: { idleTimeoutS: auth.sessionIdleTimeoutS, maxLifetimeS: auth.sessionMaxLifetimeS },
      lockout: { maxFailedLogins: auth.maxFailedLogins, lockoutS: auth.lockoutS },
      loginRateLimit: { max: auth.loginRateLimitMax, windowS: auth.loginRateLimitWindowS },
      secondFactor: { requiredRoles: [...auth.totpRequiredRoles], digits: totpDigits, stepS: totpStepS, windowSteps: totpWindowSteps },
      encryption: { algorithm: keyring.settings.algorithm, dataKeyPeriodDays: keyring.settings.dataKeyPeriodDays },
      users: await secondFactorUsers(store.db, auth),
    };
  });
}
