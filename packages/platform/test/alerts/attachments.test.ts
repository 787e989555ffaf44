import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bearer, errorCode } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { maxAttachmentBytes } from '../../src/alerts/attachments.ts';
import { alertDraft, insertAlert, multipartFile, samplePdf, startAlertHarness, type AlertHarness } from './harness.ts';

let h: AlertHarness;
let own: Awaited<ReturnType<typeof insertFleetVehicle>>;
let other: Awaited<ReturnType<typeof insertFleetVehicle>>;
const tokens: Record<string, string> = {};

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

before(async () => {
  h = await startAlertHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区附件测试单位', '新Q60001', '013960000001');
  other = await insertFleetVehicle(h.store.db, '喀什地区附件测试其他单位', '新Q60002', '013960000002');
  tokens.operator = await h.loginAs('unit_operator', { unitId: own.unitId });
  tokens.otherOperator = await h.loginAs('unit_operator', { unitId: other.unitId });
  tokens.bureau = await h.loginAs('bureau_admin');
  tokens.inspector = await h.loginAs('inspector');
});
after(async () => h.close());

function upload(token: string, alertId: number, fileName: string, mediaType: string, content: Buffer) {
  const body = multipartFile(fileName, mediaType, content);
  return h.app.inject({ method: 'POST', url: `/api/alerts/${alertId}/attachments`, headers: { ...bearer(token), ...body.headers }, payload: body.payload });
}

test('pdf upload round-trips sealed', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const response = await upload(tokens.operator!, id, '情况说明.pdf', 'application/pdf', samplePdf);
  assert.equal(response.statusCode, 201, response.body);
  const stored = response.json();
  assert.equal(stored.fileName, '情况说明.pdf');
  assert.equal(stored.mediaType, 'application/pdf');
  assert.equal(stored.size, samplePdf.length);
  assert.equal(stored.sha256, createHash('sha256').update(samplePdf).digest('hex'));

  const row = await h.store.db.selectFrom('alert_attachments').select('sealed').where('id', '=', stored.id).executeTakeFirstOrThrow();
  assert.equal(row.sealed.includes(Buffer.from('%PDF-')), false, 'the content is stored sealed');

  const download = await h.app.inject({ method: 'GET', url: `/api/alerts/${id}/attachments/${stored.id}`, headers: bearer(tokens.inspector!) });
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.match(String(download.headers['content-disposition']), /filename\*=UTF-8''%E6%83%85%E5%86%B5%E8%AF%B4%E6%98%8E\.pdf/);
  assert.deepEqual(download.rawPayload, samplePdf);
});

test('images upload with octet-stream type', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const first = await upload(tokens.operator!, id, 'photo.PNG', 'image/png', png);
  assert.equal(first.statusCode, 201, first.body);
  const second = await upload(tokens.operator!, id, '现场.jpg', 'application/octet-stream', jpeg);
  assert.equal(second.statusCode, 201, second.body);
  assert.equal(second.json().mediaType, 'image/jpeg', 'the type is taken from the content');
});

test('oversized file gets 413', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const big = Buffer.concat([samplePdf, Buffer.alloc(maxAttachmentBytes + 1 - samplePdf.length, 0x20)]);
  const response = await upload(tokens.operator!, id, '扫描件.pdf', 'application/pdf', big);
  assert.equal(response.statusCode, 413, response.body);
  assert.equal(errorCode(response), 'GONGCHE_ERR_ATTACHMENT_TOO_LARGE');
  assert.match(response.json().error.message, new RegExp(`at most ${maxAttachmentBytes} bytes`));
  const exact = Buffer.concat([samplePdf, Buffer.alloc(maxAttachmentBytes - samplePdf.length, 0x20)]);
  const fits = await upload(tokens.operator!, id, '扫描件.pdf', 'application/pdf', exact);
  assert.equal(fits.statusCode, 201, 'a file of exactly the limit is accepted');
  const count = await h.store.db.selectFrom('alert_attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('alert_id', '=', id).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);
});

test('unaccepted types get 415', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const cases: [string, string, Buffer, RegExp][] = [
    ['run.exe', 'application/octet-stream', Buffer.from('MZ\x90\x00 executable'), /not a PDF, JPEG, PNG or DOCX file/],
    ['说明.txt', 'text/plain', Buffer.from('车辆当晚在单位停放'), /not a PDF, JPEG, PNG or DOCX file/],
    ['说明.pdf', 'image/png', samplePdf, /sent as image\/png but its content is application\/pdf/],
    ['说明.png', 'application/pdf', samplePdf, /name it \.pdf/],
  ];
  for (const [name, type, content, message] of cases) {
    const response = await upload(tokens.operator!, id, name, type, content);
    assert.equal(response.statusCode, 415, `${name}: ${response.body}`);
    assert.equal(errorCode(response), 'GONGCHE_ERR_ATTACHMENT_TYPE');
    assert.match(response.json().error.message, message);
  }
});

test('empty file and missing part rejected', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const empty = await upload(tokens.operator!, id, '空.pdf', 'application/pdf', Buffer.alloc(0));
  assert.equal(empty.statusCode, 400, empty.body);
  const json = await h.app.inject({ method: 'POST', url: `/api/alerts/${id}/attachments`, headers: bearer(tokens.operator!), payload: { file: 'x' } });
  assert.equal(json.statusCode, 415, json.body);
  assert.equal(errorCode(json), 'GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE');
  const boundary = '----gongche-no-file';
  const fieldOnly = await h.app.inject({
    method: 'POST',
    url: `/api/alerts/${id}/attachments`,
    headers: { ...bearer(tokens.operator!), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n说明\r\n--${boundary}--\r\n`,
  });
  assert.equal(fieldOnly.statusCode, 400, fieldOnly.body);
  assert.match(fieldOnly.json().error.message, /no file part/);
});

test('folder parts of file names are dropped', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const response = await upload(tokens.operator!, id, '..\\..\\windows\\说明.pdf', 'application/pdf', samplePdf);
  assert.equal(response.statusCode, 201, response.body);
  assert.equal(response.json().fileName, '说明.pdf');
});

test('uploads limited to unit and state', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const bureau = await upload(tokens.bureau!, id, '说明.pdf', 'application/pdf', samplePdf);
  assert.equal(bureau.statusCode, 403);
  const outsider = await upload(tokens.otherOperator!, id, '说明.pdf', 'application/pdf', samplePdf);
  assert.equal(outsider.statusCode, 404);

  const explain = await h.app.inject({ method: 'POST', url: `/api/alerts/${id}/explain`, headers: bearer(tokens.operator!), payload: { text: '说明' } });
  assert.equal(explain.statusCode, 200);
  const late = await upload(tokens.operator!, id, '补充.pdf', 'application/pdf', samplePdf);
  assert.equal(late.statusCode, 409);
  assert.equal(errorCode(late), 'GONGCHE_ERR_ALERT_EXPLAINED');
});

test('download outside scope gets 404', async () => {
  const id = await insertAlert(h.store, alertDraft(own));
  const stored = (await upload(tokens.operator!, id, '说明.pdf', 'application/pdf', samplePdf)).json();
  const outsider = await h.app.inject({ method: 'GET', url: `/api/alerts/${id}/attachments/${stored.id}`, headers: bearer(tokens.otherOperator!) });
  assert.equal(outsider.statusCode, 404);
  const otherAlert = await insertAlert(h.store, alertDraft(own));
  const wrongAlert = await h.app.inject({ method: 'GET', url: `/api/alerts/${otherAlert}/attachments/${stored.id}`, headers: bearer(tokens.operator!) });
  assert.equal(wrongAlert.statusCode, 404, 'an attachment is read only through its own alert');
});
