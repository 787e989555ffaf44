import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pendingStages } from '../../src/rollout/exemption-review.ts';
import type { FormDetail, FormLine } from '../../src/rollout/forms.ts';
import type { Review } from '../../src/rollout/exemption-review.ts';
import { passwordProblem } from '../../src/security/passwords.ts';
import { pendingStages as consolePendingStages } from '../../../console/src/utils/review-stages.ts';
import { passwordProblemKey } from '../../../console/src/utils/password-policy.ts';
import type { Form } from '../../../console/src/api/types.ts';

const line = (vehicleId: number): FormLine => ({ vehicleId, plate: `新Q1000${vehicleId}`, brandModel: null, vehicleType: null, usageNature: null, leaderRank: null, remarks: null, exemptReason: 'reason', rejectedByReviewId: null });

function form(supervised: boolean, exempt: number, round: number): FormDetail {
  return {
    id: 1, unitId: 2, batchId: 1, state: 'submitted', round, staffName: null, staffPhone: null, vehicleQuota: null, actualCount: null, filledOn: null, submittedAt: null, lockedAt: null,
    unit: { name: 'u', level: null, nature: null, organisationCode: null, address: null, supervisingUnitId: supervised ? 9 : null },
    install: [line(1)],
    exempt: Array.from({ length: exempt }, (_, i) => line(10 + i)),
  };
}

function review(stage: Review['stage'], round: number): Review {
  return { id: 1, round, stage, decision: 'approve', comment: 'ok', sealText: 'seal', rejectedVehicleIds: [], reviewerId: 1, reviewerName: 'r', reviewerUnitId: null, at: '2027-01-01T00:00:00Z' };
}

test('console pending stages match the server', () => {
  const stages: Review['stage'][] = ['preliminary', 'bureau', 'secrecy'];
  for (const supervised of [false, true]) {
    for (const exempt of [0, 2]) {
      for (const round of [1, 2]) {
        // Every subset of opinions, given in this round or the previous one.
        for (let mask = 0; mask < 1 << stages.length; mask++) {
          for (const reviewRound of [round, round - 1]) {
            const reviews = stages.filter((_, i) => mask & (1 << i)).map((stage) => review(stage, reviewRound));
            const server = pendingStages(form(supervised, exempt, round), reviews);
            const consoleStages = consolePendingStages({ ...form(supervised, exempt, round), reviews } as unknown as Form);
            assert.deepEqual(consoleStages, server, JSON.stringify({ supervised, exempt, round, reviewRound, mask }));
          }
        }
      }
    }
  }
});

test('console password rules match the server', () => {
  const cases = ['', 'short1A!', 'alllowercase', 'lowercase123', 'Lowercase123', 'UPPER-case-no', 'Kashgar-Admin-2027', '密码密码密码密码密码1Aa', 'Operator.2027', 'operator.2027x'];
  for (const password of cases) {
    for (const username of ['operator.2027x', 'admin']) {
      assert.equal(passwordProblemKey(password, username) === null, passwordProblem(password, username) === null, `${password} / ${username}`);
    }
  }
});
