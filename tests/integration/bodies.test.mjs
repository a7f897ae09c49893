// SPDX-License-Identifier: MIT
// Routes that take no body (every GET and DELETE, and the POST actions marked "Body: none")
// accept none or {} and refuse anything else as any bad body is refused (invalid_json,
// unknown_field), before anything changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Voxd, ADMIN_TOKEN, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

// fetch() cannot send a GET body: a plain http request can.
function getWithBody(path, auth, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(vox.url + path);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET',
      headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, body: json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Each DELETE route: a resource to delete, how to see it is still there, and the id field.
async function deletions(o) {
  const room = await o.createRoom();
  const cat = await o.ok('POST', '/v1/categories', { name: 'c' });
  const key = await o.ok('POST', '/v1/keys', { name: 'k' });
  const other = await vox.newOrg('doomed');
  return [
    { path: `/v1/rooms/${room.id}`, still: async () => (await o.req('GET', `/v1/rooms/${room.id}`)).status === 200 },
    { path: `/v1/categories/${cat.id}`, still: async () => (await o.req('GET', `/v1/categories/${cat.id}`)).status === 200 },
    { path: `/v1/keys/${key.id}`, still: async () => !(await o.ok('GET', '/v1/keys')).keys.find((k) => k.id === key.id).revoked_at },
    { path: `/v1/orgs/${other.org.id}`, admin: true, still: async () => (await vox.admin('GET', `/v1/orgs/${other.org.id}`)).status === 200 },
  ];
}

test('a DELETE with a body is refused and deletes nothing; none or {} deletes', async () => {
  const o = await vox.newOrg('bodies');
  for (const d of await deletions(o)) {
    const send = (opts) => (d.admin ? vox.req('DELETE', d.path, { auth: `Bearer ${ADMIN_TOKEN}`, ...opts })
      : o.req('DELETE', d.path, undefined, opts));
    assertError(await send({ body: { force: true } }), 400, 'unknown_field', 'force');
    assertError(await send({ raw: 'x' }), 400, 'invalid_json');
    assertError(await send({ raw: '[]' }), 400, 'invalid_json');
    assertError(await send({ raw: ' ' }), 400, 'invalid_json');
    assert.ok(await d.still(), `${d.path} survived the refused DELETEs`);
    const ok = await send({ body: {} });
    assert.equal(ok.status, 204, `${d.path}: ${ok.text}`);
    assert.ok(!(await d.still()), `${d.path} is gone after DELETE with {}`);
  }
  // And with no body at all.
  const room = await o.createRoom();
  assert.equal((await o.req('DELETE', `/v1/rooms/${room.id}`)).status, 204);
});

test('body-less POST actions and DELETE refuse a body with the same codes', async () => {
  const o = await vox.newOrg('actions');
  const room = await o.createRoom();
  const p = await o.ok('POST', `/v1/rooms/${room.id}/participants`, { identity: 'a' });
  const actions = [`/v1/participants/${p.id}/heartbeat`, `/v1/participants/${p.id}/leave`,
    `/v1/sessions/${p.session_id}/pause`];
  for (const path of [...actions, `/v1/rooms/${room.id}`]) {
    const method = path.startsWith('/v1/rooms/') ? 'DELETE' : 'POST';
    assertError(await o.req(method, path, { why: 1 }), 400, 'unknown_field', 'why');
    assertError(await o.req(method, path, undefined, { raw: 'nope' }), 400, 'invalid_json');
  }
  assert.equal((await o.ok('GET', `/v1/participants/${p.id}`)).status, 'connected');
  assert.equal((await o.ok('GET', `/v1/sessions/${p.session_id}`)).state, 'active');
});

test('a GET with a body is refused the same way; {} is no body', async () => {
  const o = await vox.newOrg('gets');
  const room = await o.createRoom();
  assertError(await getWithBody('/v1/rooms', o.auth, '{"type":"voice"}'), 400, 'unknown_field', 'type');
  assertError(await getWithBody(`/v1/rooms/${room.id}`, o.auth, 'garbage'), 400, 'invalid_json');
  const ok = await getWithBody(`/v1/rooms/${room.id}`, o.auth, '{}');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.id, room.id);
  // Credentials are checked first: no key, no body check.
  assert.equal((await getWithBody('/v1/rooms', 'Basic eDp5', 'garbage')).status, 401);
});
