import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { forbidden, invalid } from '../../errors.ts';
import type { User } from '../../security/users.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, isoTime, queryInstant } from '../schemas.ts';
import { listAuditEntries } from '../../audit/query.ts';
import { verifyAuditChain } from '../../audit/verify.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';

/** 三员分立: only the auditor reads the audit log; the system and security administrators may not. */
function assertAuditor(user: User): void {
  if (user.role !== 'auditor') throw forbidden(`Role ${user.role} may not read the audit log; allowed role: auditor`);
}

const instant = (name: string) => queryInstant(name).optional();

const listQuery = z.object({
  from: instant('from'),
  to: instant('to'),
  action: z.string().trim().min(1).max(80).optional(),
  actorUsername: z.string().trim().min(1).max(100).optional(),
  objectType: z.string().trim().min(1).max(40).optional(),
  objectId: z.string().trim().min(1).max(100).optional(),
  before: z.coerce.number().int().positive().optional().describe('Return entries with seq below this (nextBefore of the previous page)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const entryOutput = z.object({
  seq: z.number(),
  at: isoTime,
  actorUserId: z.number().nullable(),
  actorUsername: z.string(),
  actorRole: z.string().nullable(),
  actorAddress: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  detail: z.unknown(),
  prevDigest: z.string(),
  digest: z.string(),
});

const verifyOutput = z.object({
  ok: z.boolean(),
  entries: z.number(),
  lastSeq: z.number().nullable(),
  lastDigest: z.string().nullable(),
  triggersPresent: z.boolean().describe('false when the triggers that refuse changes to the log were removed'),
  firstBad: z.object({ seq: z.number(), reason: z.string(), detail: z.string() }).optional(),
});

/** The audit log, for the auditor role only. */
export async function auditRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const tags = ['audit'];

  app.get('/api/audit', {
    schema: {
      tags,
      summary: 'List audit entries, newest first (auditor only)',
      querystring: listQuery,
      response: { 200: z.object({ items: z.array(entryOutput), nextBefore: z.number().nullable() }), ...errorResponses },
    },
  }, async (request) => {
    assertAuditor(currentUser(request));
    const { from, to } = request.query;
    if (from !== undefined && to !== undefined && to <= from) {
      throw invalid('to must be later than from', new Date(to).toISOString(), [{ path: 'querystring.to', message: 'to must be later than from' }]);
    }
    return listAuditEntries(store, request.query);
  });

  app.get('/api/audit/verify', {
    schema: {
      tags,
      summary: 'Verify the SM3 chain of the audit log (auditor only)',
      description: 'Recomputes every digest and names the first changed, removed, inserted or reordered entry. The verification itself is recorded as audit.verified.',
      response: { 200: verifyOutput, ...errorResponses },
    },
  }, async (request) => {
    assertAuditor(currentUser(request));
    const result = await verifyAuditChain(store);
    appendAudit(store, {
      actor: requestActor(request),
      action: AUDIT_ACTIONS.auditVerified,
      detail: { ok: result.ok, entries: result.entries, firstBad: result.firstBad ?? null, triggersPresent: result.triggersPresent },
    });
    if (!result.ok) request.log.warn({ firstBad: result.firstBad }, 'audit chain verification failed');
    return result;
  });
}
