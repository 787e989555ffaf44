import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { Store } from '../../store/db.ts';
import { forbidden } from '../../errors.ts';
import { appendAudit } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { generatePassword } from '../../security/passwords.ts';
import { createUser, roles, setPassword } from '../../security/users.ts';
import { assertRoleUnit, getAccountRow, listAccounts, toAccount, updateAccount } from '../../security/accounts.ts';
import { resetTotp } from '../../security/second-factor.ts';
import { assertCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime, userOutput } from '../schemas.ts';

const accountOutput = userOutput.extend({
  lockedUntil: isoTime.nullable(),
  passwordChangedAt: isoTime,
  createdAt: isoTime,
  updatedAt: isoTime,
});

const withPassword = z.object({
  user: accountOutput,
  oneTimePassword: z.string().describe('Shown only in this response; the user must change it at the next log-in'),
});

const createBody = z.object({
  username: z.string().trim().min(2).max(40),
  role: z.enum(roles),
  unitId: z.number().int().positive().nullable().optional().describe('Required for unit_supervisor and unit_operator'),
  displayName: z.string().trim().min(1).max(100).nullable().optional(),
});

const patchBody = z.object({
  role: z.enum(roles).optional(),
  unitId: z.number().int().positive().nullable().optional(),
  disabled: z.boolean().optional(),
  displayName: z.string().trim().min(1).max(100).nullable().optional(),
}).refine((body) => Object.values(body).some((value) => value !== undefined), { message: 'Send at least one of role, unitId, disabled, displayName' });

function audit(store: Store, request: FastifyRequest, action: string, userId: number, detail: Record<string, unknown> = {}) {
  appendAudit(store, { actor: requestActor(request), action, objectType: 'user', objectId: userId, detail });
}

function rejectSelf(request: FastifyRequest, id: number, action: string): void {
  if (currentUser(request).id === id) throw forbidden(`Users may not ${action} for their own account; ask another administrator`);
}

/**
 * Account administration (sys_admin). Accounts are disabled, never deleted, so the audit log
 * keeps naming who acted. Each account has exactly one role.
 */
export async function userRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['users'];

  app.get('/api/users', {
    schema: { tags, summary: 'List accounts', response: { 200: z.object({ items: z.array(accountOutput) }), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'users.manage');
    return { items: await listAccounts(db) };
  });

  app.get('/api/users/:id', {
    schema: { tags, summary: 'Get an account', params: idParams, response: { 200: accountOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'users.manage');
    return toAccount(await getAccountRow(db, request.params.id));
  });

  app.post('/api/users', {
    schema: {
      tags,
      summary: 'Create an account with a one-time password',
      description: 'The generated password is returned once; the user changes it at the first log-in, and roles sys_admin, security_admin and auditor then enrol TOTP.',
      body: createBody,
      response: { 201: withPassword, ...errorResponses },
    },
  }, async (request, reply) => {
    assertCapability(currentUser(request), 'users.manage');
    const { username, role, displayName } = request.body;
    const unitId = request.body.unitId ?? null;
    await assertRoleUnit(db, role, unitId);
    const password = generatePassword();
    const user = await createUser(db, { username, role, unitId, displayName, password, mustChangePassword: true });
    audit(store, request, 'user.created', user.id, { username, role, unitId });
    request.log.info({ userId: user.id, role }, 'user created');
    return reply.status(201).send({ user: toAccount(await getAccountRow(db, user.id)), oneTimePassword: password });
  });

  app.patch('/api/users/:id', {
    schema: {
      tags,
      summary: 'Change an account\'s role, unit, disabled flag or display name',
      description: 'Nobody changes their own role or disables themselves. A change of role, unit or disabled flag ends the user\'s sessions.',
      params: idParams,
      body: patchBody,
      response: { 200: accountOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'users.manage');
    const { account, fields } = await updateAccount(db, user, request.params.id, request.body);
    if (Object.keys(fields).length > 0) {
      audit(store, request, 'user.updated', account.id, { changes: fields });
      request.log.info({ userId: account.id, fields: Object.keys(fields) }, 'user changed');
    }
    return account;
  });

  app.post('/api/users/:id/reset-password', {
    schema: {
      tags,
      summary: 'Reset an account\'s password to a one-time password',
      description: 'Unlocks the account and ends its sessions. A second factor stays enrolled, so the new password alone does not open the account.',
      params: idParams,
      response: { 200: withPassword, ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'users.manage');
    rejectSelf(request, request.params.id, 'reset the password (use POST /api/auth/password)');
    const row = await getAccountRow(db, request.params.id);
    const password = generatePassword();
    await setPassword(db, row.id, password, { mustChangePassword: true });
    audit(store, request, 'user.password_reset', row.id);
    request.log.info({ userId: row.id }, 'user password reset');
    return { user: toAccount(await getAccountRow(db, row.id)), oneTimePassword: password };
  });

  app.post('/api/users/:id/reset-totp', {
    schema: {
      tags,
      summary: 'Remove an account\'s TOTP second factor (security_admin)',
      description: 'For a lost device: ends the user\'s sessions; the user enrols again after the next log-in.',
      params: idParams,
      response: { 200: accountOutput, ...errorResponses },
    },
  }, async (request) => {
    assertCapability(currentUser(request), 'second_factor.reset');
    rejectSelf(request, request.params.id, 'reset the second factor');
    const row = await getAccountRow(db, request.params.id);
    await resetTotp(db, row.id);
    audit(store, request, 'user.totp_reset', row.id);
    request.log.info({ userId: row.id }, 'user second factor reset');
    return toAccount(await getAccountRow(db, row.id));
  });
}
