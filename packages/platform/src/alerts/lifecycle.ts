import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { User } from '../security/users.ts';
import type { Capability } from '../api/access.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../audit/log.ts';
import { AppError, forbidden, invalid } from '../errors.ts';
import type { AlertState } from './view.ts';

/**
 * The review of an alert (核查):
 *
 *   pending ──explain (unit)──▶ explained ──confirm / dismiss (bureau)──▶ confirmed / dismissed
 *      └────────────confirm / dismiss (bureau)────────────┘              confirmed ──rectify (unit)──▶ rectified
 *
 * The unit's staff (unit_operator, unit_supervisor) act on alerts of their own unit only; the
 * bureau (bureau_admin) decides on any alert. A dismissal needs a reason, an explanation and a
 * rectification need a text, and either may carry one attachment of the alert.
 *
 * A rules replay withdraws a pending alert that it no longer reproduces (src/alerts/withdrawal.ts).
 * A withdrawn alert takes no step until an evaluation finds it again and reinstates it.
 */
export type ReviewAction = 'explain' | 'confirm' | 'dismiss' | 'rectify';

interface ActionRule {
  from: readonly AlertState[];
  to: AlertState;
  capability: Capability;
  /** The unit's own staff only: the user's unit must be the alert's unit. */
  ownUnit: boolean;
  textRequired: boolean;
  attachmentAllowed: boolean;
  audit: AuditAction;
}

export const reviewActions: Record<ReviewAction, ActionRule> = {
  explain: { from: ['pending'], to: 'explained', capability: 'alerts.explain', ownUnit: true, textRequired: true, attachmentAllowed: true, audit: AUDIT_ACTIONS.alertExplained },
  confirm: { from: ['pending', 'explained'], to: 'confirmed', capability: 'alerts.decide', ownUnit: false, textRequired: false, attachmentAllowed: false, audit: AUDIT_ACTIONS.alertConfirmed },
  dismiss: { from: ['pending', 'explained'], to: 'dismissed', capability: 'alerts.decide', ownUnit: false, textRequired: true, attachmentAllowed: false, audit: AUDIT_ACTIONS.alertDismissed },
  rectify: { from: ['confirmed'], to: 'rectified', capability: 'alerts.rectify', ownUnit: true, textRequired: true, attachmentAllowed: true, audit: AUDIT_ACTIONS.alertRectified },
};

/** States in which the unit may still upload attachments: before its explanation or its rectification. */
export const uploadStates: readonly AlertState[] = ['pending', 'confirmed'];

export const maxReviewTextLength = 2000;

/** Returns the 409 of an action the alert's state does not allow; the code names the current state. */
export function stateConflict(alertId: number, state: string, action: string, allowed: readonly string[]): AppError {
  return new AppError(
    `GONGCHE_ERR_ALERT_${state.toUpperCase()}`,
    409,
    `Alert ${alertId} is ${state}; ${action} needs an alert that is ${allowed.join(' or ')}`,
    { value: state, details: { alertId, state, action, allowedFrom: allowed } },
  );
}

/** Throws 403 unless the user may act on an alert of this unit: the unit's own staff, for the unit's actions. */
export function assertOwnUnit(user: User, unitId: number, action: string): void {
  if (user.unitId === unitId) return;
  throw forbidden(`Only the staff of unit ${unitId} may ${action} its alerts; user ${user.username} belongs to unit ${user.unitId ?? 'none'}`);
}

/** Returns the trimmed text, throwing 400 when a required one is missing or any is too long. */
export function reviewText(action: ReviewAction, text: string | undefined): string {
  const trimmed = text?.trim() ?? '';
  const field = action === 'dismiss' ? 'reason' : 'text';
  if (reviewActions[action].textRequired && trimmed === '') {
    const message = action === 'dismiss' ? 'A dismissal needs the reason why the alert is not a violation' : `The ${action} step needs a text stating what the unit explains or did`;
    throw invalid(message, text, [{ path: `body.${field}`, message: 'required' }]);
  }
  if ([...trimmed].length > maxReviewTextLength) {
    throw invalid(`The ${field} may have at most ${maxReviewTextLength} characters, got ${[...trimmed].length}`, trimmed.length, [{ path: `body.${field}`, message: 'too long' }]);
  }
  return trimmed;
}

export interface TransitionInput {
  alertId: number;
  action: ReviewAction;
  text: string;
  attachmentId: number | null;
  actor: User;
  now: number;
}

/**
 * Moves the alert to the action's state and records who did it, when and why, in one
 * transaction. The state is checked again in the update, so of two simultaneous decisions
 * exactly one wins and the other gets the 409 of the state the first one left.
 */
export async function applyTransition(db: Kysely<Database>, input: TransitionInput): Promise<{ from: AlertState; to: AlertState; transitionId: number }> {
  const rule = reviewActions[input.action];
  return db.transaction().execute(async (trx) => {
    const alert = await trx.selectFrom('alerts').select(['id', 'state', 'withdrawn_at']).where('id', '=', input.alertId).executeTakeFirstOrThrow();
    // A withdrawn alert is pending underneath, but no finding supports it any more: nothing to review.
    if (alert.withdrawn_at !== null) throw stateConflict(alert.id, 'withdrawn', input.action, rule.from);
    if (!rule.from.includes(alert.state as AlertState)) throw stateConflict(alert.id, alert.state, input.action, rule.from);

    if (input.attachmentId !== null) {
      const attachment = await trx.selectFrom('alert_attachments').select(['id', 'alert_id']).where('id', '=', input.attachmentId).executeTakeFirst();
      if (!attachment || attachment.alert_id !== alert.id) {
        throw invalid(`Attachment ${input.attachmentId} does not belong to alert ${alert.id}; upload it with POST /api/alerts/${alert.id}/attachments first`, input.attachmentId, [
          { path: 'body.attachmentId', message: 'not an attachment of this alert' },
        ]);
      }
    }

    const updated = await trx
      .updateTable('alerts')
      .set({ state: rule.to, updated_at: input.now })
      .where('id', '=', alert.id)
      .where('state', '=', alert.state)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      const now = await trx.selectFrom('alerts').select(['state', 'withdrawn_at']).where('id', '=', alert.id).executeTakeFirstOrThrow();
      throw stateConflict(alert.id, now.withdrawn_at === null ? now.state : 'withdrawn', input.action, rule.from);
    }

    const transition = await trx
      .insertInto('alert_transitions')
      .values({
        alert_id: alert.id,
        from_state: alert.state,
        to_state: rule.to,
        actor_user_id: input.actor.id,
        actor_username: input.actor.username,
        actor_role: input.actor.role,
        at: input.now,
        text: input.text,
        attachment_id: input.attachmentId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { from: alert.state as AlertState, to: rule.to, transitionId: transition.id };
  });
}

export interface TransitionView {
  id: number;
  from: string;
  to: string;
  actor: { userId: number; username: string; role: string };
  at: string;
  text: string;
  attachmentId: number | null;
}

/** Lists an alert's transitions, oldest first. */
export async function listTransitions(db: Kysely<Database>, alertId: number): Promise<TransitionView[]> {
  const rows = await db.selectFrom('alert_transitions').selectAll().where('alert_id', '=', alertId).orderBy('at').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    from: row.from_state,
    to: row.to_state,
    actor: { userId: row.actor_user_id, username: row.actor_username, role: row.actor_role },
    at: new Date(row.at).toISOString(),
    text: row.text,
    attachmentId: row.attachment_id,
  }));
}
