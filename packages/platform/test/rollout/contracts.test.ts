import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { maxContractBytes } from '../../src/rollout/contracts.ts';
import { batchBodies, call, expectStatus, nextCreditCode } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let unitId: number;
let otherUnitId: number;
let operator: string;

/** Builds a PDF-looking file of the given size: the PDF signature, then random bytes. */
function pdfBytes(size: number): Buffer {
  const content = crypto.randomBytes(size);
  Buffer.from('%PDF-1.7\n').copy(content);
  return content;
}

const contract = (extra: object = {}) => ({
  kind: 'installation',
  unitId,
  number: `KS-AZ-${crypto.randomUUID().slice(0, 8)}`,
  signedOn: '2022-05-25',
  counterparty: '中国移动通信集团新疆有限公司喀什分公司',
  fileName: '安装合同.pdf',
  contentBase64: pdfBytes(2048).toString('base64'),
  ...extra,
});

before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  const unit = (name: string) => ({ name, level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市' });
  unitId = expectStatus(await call(h, bureau, 'POST', '/api/units', unit('喀什地区财政局')), 201).id;
  otherUnitId = expectStatus(await call(h, bureau, 'POST', '/api/units', unit('喀什地区审计局')), 201).id;
  expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201);
  operator = await h.loginAs('unit_operator', { unitId });
});
after(async () => h.close());

describe('installation contracts', () => {
  test('uploaded file downloads byte for byte', async () => {
    const content = pdfBytes(300 * 1024);
    const body = contract({ contentBase64: content.toString('base64') });
    const recorded = expectStatus(await call(h, operator, 'POST', '/api/rollout/contracts', body), 201);
    assert.equal(recorded.unitId, unitId);
    assert.equal(recorded.number, body.number);
    assert.equal(recorded.signedOn, '2022-05-25');
    assert.equal(recorded.fileBytes, content.length);
    assert.equal(recorded.contentType, 'application/pdf');
    assert.equal(recorded.fileSha256, crypto.createHash('sha256').update(content).digest('hex'));

    const download = await call(h, operator, 'GET', `/api/rollout/contracts/${recorded.id}/file`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.match(String(download.headers['content-disposition']), new RegExp(encodeURIComponent('安装合同.pdf')));
    assert.ok(download.rawPayload.equals(content), 'downloaded bytes differ from the upload');
  });

  test('image scan keeps its content type', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(500)]);
    const recorded = expectStatus(await call(h, operator, 'POST', '/api/rollout/contracts', contract({ fileName: '合同扫描件.PNG', contentBase64: png.toString('base64') })), 201);
    const download = await call(h, operator, 'GET', `/api/rollout/contracts/${recorded.id}/file`);
    assert.equal(download.headers['content-type'], 'image/png');
    assert.ok(download.rawPayload.equals(png));
  });

  test('largest allowed file is accepted', async () => {
    const content = pdfBytes(maxContractBytes);
    const recorded = expectStatus(await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: content.toString('base64') })), 201);
    assert.equal(recorded.fileBytes, maxContractBytes);
  });

  test('file one byte over the limit is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: pdfBytes(maxContractBytes + 1).toString('base64') }));
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_CONTRACT_FILE_SIZE');
    assert.equal(response.json().error.value, maxContractBytes + 1);
  });

  test('body over the API limit is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: pdfBytes(900 * 1024).toString('base64') }));
    assert.equal(response.statusCode, 413);
  });

  test('empty file is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: '' }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.body, /contentBase64/);
  });

  test('base64 of zero bytes is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: '====' }));
    assert.equal(response.statusCode, 400);
  });

  test('malformed base64 is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ contentBase64: 'JVBERi0x*Ny4K' }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.body, /base64/);
  });

  test('file of an unaccepted type is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ fileName: '合同.exe', contentBase64: Buffer.from('MZ\x90\x00 not a contract').toString('base64') }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_CONTRACT_FILE_TYPE');
    assert.equal(response.json().error.value, '合同.exe');
  });

  test('file name not matching its content is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ fileName: '合同.docx' }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_CONTRACT_FILE_TYPE');
    assert.match(response.body, /name it \.pdf/);
  });

  test('duplicate contract number is a conflict', async () => {
    const body = contract();
    expectStatus(await call(h, operator, 'POST', '/api/rollout/contracts', body), 201);
    const again = await call(h, operator, 'POST', '/api/rollout/contracts', { ...body, signedOn: '2022-05-26' });
    assert.equal(errorCode(again), 'GONGCHE_ERR_CONFLICT');
  });

  test('installation contract without a unit is rejected', async () => {
    const response = await call(h, bureau, 'POST', '/api/rollout/contracts', contract({ unitId: null }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('invalid signing date is rejected', async () => {
    const response = await call(h, operator, 'POST', '/api/rollout/contracts', contract({ signedOn: '2022-02-30' }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('operator of another unit can neither record nor read', async () => {
    const stranger = await h.loginAs('unit_operator', { unitId: otherUnitId });
    assert.equal(errorCode(await call(h, stranger, 'POST', '/api/rollout/contracts', contract())), 'GONGCHE_ERR_NOT_FOUND');
    const own = expectStatus(await call(h, operator, 'GET', '/api/rollout/contracts'), 200).items[0];
    assert.equal(errorCode(await call(h, stranger, 'GET', `/api/rollout/contracts/${own.id}/file`)), 'GONGCHE_ERR_NOT_FOUND');
    assert.deepEqual(expectStatus(await call(h, stranger, 'GET', '/api/rollout/contracts'), 200).items, []);
  });

  test('installer and secrecy reviewer have no access', async () => {
    for (const role of ['installer', 'secrecy_reviewer'] as const) {
      const token = await h.loginAs(role);
      assert.equal((await call(h, token, 'GET', '/api/rollout/contracts')).statusCode, 403, role);
      assert.equal((await call(h, token, 'POST', '/api/rollout/contracts', contract())).statusCode, 403, role);
    }
  });
});

describe('confidentiality agreement', () => {
  const agreement = (extra: object = {}) => contract({ kind: 'confidentiality', unitId: null, fileName: '保密协议.pdf', ...extra });

  test('bureau records it and reads it back', async () => {
    const content = pdfBytes(4096);
    const recorded = expectStatus(await call(h, bureau, 'POST', '/api/rollout/contracts', agreement({ contentBase64: content.toString('base64') })), 201);
    assert.equal(recorded.kind, 'confidentiality');
    assert.equal(recorded.unitId, null);
    const download = await call(h, bureau, 'GET', `/api/rollout/contracts/${recorded.id}/file`);
    assert.ok(download.rawPayload.equals(content));
    const listed = expectStatus(await call(h, bureau, 'GET', '/api/rollout/contracts'), 200).items;
    assert.ok(listed.some((c: { id: number }) => c.id === recorded.id));
  });

  test('agreement naming a unit is rejected', async () => {
    const response = await call(h, bureau, 'POST', '/api/rollout/contracts', agreement({ unitId }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('unit operator may not record or read it', async () => {
    assert.equal(errorCode(await call(h, operator, 'POST', '/api/rollout/contracts', agreement())), 'GONGCHE_ERR_FORBIDDEN');
    const id = expectStatus(await call(h, bureau, 'GET', '/api/rollout/contracts'), 200).items.find((c: { kind: string }) => c.kind === 'confidentiality').id;
    assert.equal(errorCode(await call(h, operator, 'GET', `/api/rollout/contracts/${id}/file`)), 'GONGCHE_ERR_FORBIDDEN');
    const listed = expectStatus(await call(h, operator, 'GET', '/api/rollout/contracts'), 200).items;
    assert.ok(listed.every((c: { kind: string }) => c.kind === 'installation'));
  });
});
