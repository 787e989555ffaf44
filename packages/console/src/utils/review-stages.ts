import type { Form, ReviewStage, Role } from '../api/types.ts';

/** The review stage each reviewing role gives its opinion at (reviewStageRoles on the server). */
export const stageOfRole: Partial<Record<Role, ReviewStage>> = { unit_supervisor: 'preliminary', bureau_admin: 'bureau', secrecy_reviewer: 'secrecy' };

/**
 * Returns the stages a submitted form still needs in its round, in order, as the server's
 * pendingStages computes them: the preliminary opinion when the unit has a supervising unit,
 * then the bureau's, and the Secrecy Bureau's while vehicles remain exempt.
 */
export function pendingStages(form: Form): ReviewStage[] {
  const done = new Set((form.reviews ?? []).filter((r) => r.round === form.round).map((r) => r.stage));
  const needed: ReviewStage[] = [];
  if (form.unit.supervisingUnitId !== null) needed.push('preliminary');
  needed.push('bureau');
  if (form.exempt.length > 0 || done.has('secrecy')) needed.push('secrecy');
  return needed.filter((stage) => !done.has(stage));
}

/** Returns whether the form waits for this stage's opinion now: pending, and after the preliminary one. */
export function awaits(form: Form, stage: ReviewStage): boolean {
  if (form.state !== 'submitted') return false;
  const pending = pendingStages(form);
  return pending.includes(stage) && (stage === 'preliminary' || !pending.includes('preliminary'));
}
