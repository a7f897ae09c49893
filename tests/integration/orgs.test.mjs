// SPDX-License-Identifier: MIT
// Orgs, api keys, auth failures, health/metrics/openapi.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError, ADMIN_TOKEN } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

test('health, readiness, metrics and openapi answer', async () => {
  assert.equal((await vox.req('GET', '/healthz')).status, 200);
  assert.equal((await vox.req('GET', '/readyz')).body.status, 'ready');
  const m = await vox.req('GET', '/metrics');
  assert.match(m.text, /vox_http_requests_total\{route="\/healthz",method="GET",status="200"\} \d+/);
  assert.match(m.text, /vox_rooms \d+/);
  const doc = await vox.req('GET', '/v1/openapi.json');
  assert.equal(doc.body.openapi, '3.0.3');
  assert.ok(doc.body.paths['/v1/rooms'].post.requestBody);
});

test('admin creates an org with a first key whose secret works once shown', async () => {
  const o = await vox.newOrg('Acme');
  assert.equal(o.org.name, 'Acme');
  assert.match(o.keyId, /^AK[A-Z2-9]{20}$/);
  const self = await o.ok('GET', '/v1/org');
  assert.equal(self.id, o.org.id);
  const keys = await o.ok('GET', '/v1/keys');
  assert.equal(keys.keys.length, 1);
  assert.equal(keys.keys[0].secret, undefined, 'secret must never be listed');
});

test('admin routes need the admin token', async () => {
  assertError(await vox.req('POST', '/v1/orgs', { body: { name: 'x' } }), 401, 'unauthorized');
  assertError(await vox.req('POST', '/v1/orgs', { auth: 'Bearer nope', body: { name: 'x' } }), 401, 'unauthorized');
  const o = await vox.newOrg('keyholder');
  assertError(await o.req('GET', '/v1/orgs'), 401, 'unauthorized');
});

test('key credentials: wrong secret, unknown key, garbage, revoked', async () => {
  const o = await vox.newOrg('keys');
  const bad = 'Basic ' + Buffer.from(`${o.keyId}:wrong`).toString('base64');
  assertError(await vox.req('GET', '/v1/org', { auth: bad }), 401, 'unauthorized');
  const unknown = 'Basic ' + Buffer.from(`AKNOPE:${o.secret}`).toString('base64');
  assertError(await vox.req('GET', '/v1/org', { auth: unknown }), 401, 'unauthorized');
  assertError(await vox.req('GET', '/v1/org', { auth: 'Basic !!!' }), 401, 'unauthorized');
  assertError(await vox.req('GET', '/v1/org', { auth: 'Digest x' }), 401, 'unauthorized');
  assertError(await vox.req('GET', '/v1/org'), 401, 'unauthorized');

  const k2 = await o.ok('POST', '/v1/keys', { name: 'second' });
  assert.ok(k2.secret);
  const auth2 = 'Basic ' + Buffer.from(`${k2.id}:${k2.secret}`).toString('base64');
  assert.equal((await vox.req('GET', '/v1/org', { auth: auth2 })).status, 200);
  assert.equal((await o.req('DELETE', `/v1/keys/${k2.id}`)).status, 204);
  assertError(await vox.req('GET', '/v1/org', { auth: auth2 }), 401, 'unauthorized');
  assertError(await o.req('DELETE', `/v1/keys/${o.keyId}`), 409, 'conflict');
});

test('org bodies are validated', async () => {
  assertError(await vox.admin('POST', '/v1/orgs', {}), 400, 'missing_field', 'name');
  assertError(await vox.admin('POST', '/v1/orgs', { name: 'x'.repeat(129) }), 400, 'too_long', 'name');
  assertError(await vox.admin('POST', '/v1/orgs', { name: 'x', extra: 1 }), 400, 'unknown_field', 'extra');
  assertError(await vox.admin('POST', '/v1/orgs', { name: 5 }), 400, 'invalid_type', 'name');
  const r = await vox.req('POST', '/v1/orgs', { auth: `Bearer ${ADMIN_TOKEN}`, raw: '{"name":' });
  assertError(r, 400, 'invalid_json');
  assertError(await vox.admin('GET', '/v1/orgs/not-a-uuid'), 400, 'invalid_uuid');
  assertError(await vox.admin('GET', '/v1/orgs/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
});

test('unknown route 404, wrong method 405 with Allow', async () => {
  assertError(await vox.req('GET', '/v1/nope'), 404, 'not_found');
  const r = await vox.req('PUT', '/v1/rooms');
  assertError(r, 405, 'method_not_allowed');
  assert.match(r.headers.get('allow'), /GET/);
  assert.match(r.headers.get('allow'), /POST/);
});

test('a body over the size limit is refused with 413', async () => {
  const o = await vox.newOrg('big');
  const r = await o.req('POST', '/v1/rooms', undefined, { raw: '{"name":"' + 'a'.repeat(70000) + '"}' });
  assertError(r, 413, 'body_too_large');
  const list = await o.ok('GET', '/v1/rooms');
  assert.equal(list.rooms.length, 0);
});

test("an org cannot see or revoke another org's keys", async () => {
  const a = await vox.newOrg('ka');
  const b = await vox.newOrg('kb');
  assertError(await b.req('DELETE', `/v1/keys/${a.keyId}`), 404, 'not_found');
  assert.equal((await a.req('GET', '/v1/org')).status, 200, 'the key still works');
  const listed = await b.ok('GET', '/v1/keys');
  assert.ok(listed.keys.every((k) => k.org_id === b.org.id));
  assertError(await vox.admin('POST', `/v1/orgs/00000000-0000-4000-8000-000000000000/keys`, { name: 'x' }), 404, 'not_found');
  assert.equal((await vox.admin('DELETE', `/v1/orgs/${b.org.id}`)).status, 204);
  assertError(await b.req('GET', '/v1/org'), 401, 'unauthorized');
});

test('the OpenAPI document describes success and error answers with an Error schema', async () => {
  const doc = (await vox.req('GET', '/v1/openapi.json')).body;
  const err = doc.components.schemas.Error;
  assert.deepEqual(err.properties.error.required, ['code', 'message', 'field']);
  const del = doc.paths['/v1/rooms/{room_id}'].delete.responses;
  assert.ok(del['204'] && del['404'] && del['401']);
  assert.equal(del['404'].content['application/json'].schema.$ref, '#/components/schemas/Error');
  const create = doc.paths['/v1/rooms'].post.responses;
  assert.ok(create['201'] && create['400'] && create['409']);
  assert.ok(doc.paths['/healthz'].get.responses['200']);
  assert.equal(doc.paths['/healthz'].get.responses['401'], undefined, 'public routes need no credentials');
});
