import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toErrorResponse } from '../../src/api/error-handler.ts';
import { AppError, conflict } from '../../src/errors.ts';

test('unknown error becomes a bare 500', () => {
  const error = new Error('database file is locked at /var/lib/gongche/gongche.db');
  const { status, body } = toErrorResponse(error, 'req-7');
  assert.equal(status, 500);
  assert.equal(body.error.code, 'GONGCHE_ERR_INTERNAL');
  assert.match(body.error.message, /req-7/);
  const text = JSON.stringify(body);
  assert.doesNotMatch(text, /locked|gongche\.db/);
  assert.doesNotMatch(text, /at .*\.ts:\d+/);
});

test('AppError keeps status, code and value', () => {
  const { status, body } = toErrorResponse(conflict('Plate 新Q12345 is already registered', '新Q12345'), 'req-1');
  assert.equal(status, 409);
  assert.deepEqual(body, { error: { code: 'GONGCHE_ERR_CONFLICT', message: 'Plate 新Q12345 is already registered', value: '新Q12345' } });
  const custom = toErrorResponse(new AppError('GONGCHE_ERR_ACCOUNT_LOCKED', 423, 'locked'), 'req-2');
  assert.equal(custom.status, 423);
});

test('Fastify 4xx keeps its status with a platform code', () => {
  const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  assert.equal(toErrorResponse(tooLarge, 'r').body.error.code, 'GONGCHE_ERR_PAYLOAD_TOO_LARGE');
  const other = Object.assign(new Error('Method not allowed'), { statusCode: 405, code: 'FST_ERR_SOMETHING' });
  const mapped = toErrorResponse(other, 'r');
  assert.equal(mapped.status, 405);
  assert.equal(mapped.body.error.code, 'GONGCHE_ERR_BAD_REQUEST');
});
