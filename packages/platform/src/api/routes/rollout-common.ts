import { z } from 'zod';
import { errorResponses } from '../schemas.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/db.ts';
import { appendAudit, type AuditAction } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { assertCapability, assertInScope, unitScope, type Capability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { getForm, type FormDetail } from '../../rollout/forms.ts';
import type { User } from '../../security/users.ts';

/** Checks the capability and returns the request's user. */
export function userWith(request: FastifyRequest, capability: Capability): User {
  const user = currentUser(request);
  assertCapability(user, capability);
  return user;
}

/** Loads a form after checking the capability and that its unit lies in the user's scope (404 otherwise). */
export async function formInScope(store: Store, request: FastifyRequest, id: number, capability: Capability): Promise<FormDetail> {
  userWith(request, capability);
  const form = await getForm(store.db, id);
  await assertInScope(store, request, { kind: 'Registration form', id, unitId: form.unitId });
  return form;
}

/** Returns the unit ids a list is filtered to, or undefined for every unit. */
export async function scopeFilter(store: Store, user: User): Promise<readonly number[] | undefined> {
  const scope = await unitScope(store.db, user);
  return scope.all ? undefined : scope.unitIds;
}

/** Writes one audit entry for the request's user. */
export function audit(store: Store, request: FastifyRequest, action: AuditAction, objectType: string, objectId: number | string, detail: Record<string, unknown> = {}): void {
  appendAudit(store, { actor: requestActor(request), action, objectType, objectId, detail });
}

export const mimeTypes = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
} as const;

/** Sends a generated file as a download; the file name is percent-encoded (RFC 6266) since it is Chinese. */
export function sendFile(reply: FastifyReply, content: Buffer, fileName: string, kind: keyof typeof mimeTypes): FastifyReply {
  return reply
    .header('content-type', mimeTypes[kind])
    .header('content-disposition', `attachment; filename="download.${kind}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .send(content);
}

/** Responses of rollout routes: the domain types document the bodies; errors have the standard shape. */
export const responses = { 200: z.any(), 201: z.any(), ...errorResponses };
