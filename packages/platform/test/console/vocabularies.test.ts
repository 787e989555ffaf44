import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleCodes } from '../../src/rules/rule-codes.ts';
import { placeCategories } from '../../src/rules/places.ts';
import { listedStates, severities } from '../../src/alerts/view.ts';
import { orderStatuses } from '../../src/orders/model.ts';
import { unitOwnedCategories } from '../../src/places/categories.ts';
import { ruleCodes as consoleRuleCodes } from '../../../console/src/views/alerts/rule-codes.ts';
import { alertStates as consoleAlertStates, severities as consoleSeverities } from '../../../console/src/views/alerts/alert-types.ts';
import { placeCategories as consolePlaceCategories, unitOwnedCategories as consoleUnitOwned } from '../../../console/src/views/places/place-types.ts';
import { orderStatuses as consoleOrderStatuses } from '../../../console/src/views/orders/order-types.ts';
import zhCN from '../../../console/src/i18n/zh-CN/supervision.ts';

// The console keeps its own copies of these vocabularies for its filters and labels.
const sorted = (list: readonly string[]) => [...list].sort();

test('console rule codes match the server', () => {
  assert.deepEqual([...consoleRuleCodes], [...ruleCodes]);
  assert.deepEqual(sorted(Object.keys(zhCN.alerts.rules)), sorted(ruleCodes));
});

test('console place categories match the server', () => {
  assert.deepEqual(sorted(consolePlaceCategories), sorted(placeCategories));
  assert.deepEqual(sorted(Object.keys(zhCN.alerts.vocabulary.placeCategory)), sorted(placeCategories));
  assert.deepEqual(sorted(consoleUnitOwned), sorted(unitOwnedCategories));
});

test('console alert states match the server', () => {
  assert.deepEqual([...consoleAlertStates], [...listedStates]);
  assert.deepEqual([...consoleSeverities], [...severities]);
  for (const state of listedStates) assert.ok(`GONGCHE_ERR_ALERT_${state.toUpperCase()}` in zhCN.errors, `message for the 409 of state ${state}`);
});

test('console order statuses match the server', () => {
  assert.deepEqual(sorted(consoleOrderStatuses), sorted(orderStatuses));
});
