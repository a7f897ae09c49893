// SPDX-License-Identifier: MIT
// Ids on every route (docs/API.md, Conventions): a UUID is matched in either case and answered
// lower-case, an api key id likewise and answered upper-case, and a malformed one is 400
// invalid_uuid naming the parameter — in the path, the query and the body alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const UP = (s) => s.toUpperCase();
// An answer without what runs with the clock (a live session's durations, analytics' until).
const CLOCK = new Set(['duration_ms', 'total_duration_ms', 'average_duration_ms', 'until']);
const still = (v) => JSON.parse(JSON.stringify(v, (k, x) => (CLOCK.has(k) ? undefined : x)));
const BAD = '123e4567-e89b-12d3-a456-42661417400g'; // right shape, not hex

// One org with one of everything that has an id.
async function world() {
  const o = await vox.newOrg('ids');
  const cat = await o.ok('POST', '/v1/categories', { name: 'cat' });
  const room = await o.createRoom({ category_id: cat.id });
  const stage = await o.createRoom({ type: 'stage' });
  const join = (roomId, identity, extra = {}) =>
    o.ok('POST', `/v1/rooms/${roomId}/participants`, { identity, ...extra });
  const alice = await join(room.id, 'alice');
  const bob = await join(room.id, 'bob');
  const mod = await join(stage.id, 'mod', { role: 'moderator' });
  const aud = await join(stage.id, 'aud');
  const req = await o.ok('POST', `/v1/rooms/${stage.id}/stage/requests`, { participant_id: aud.id });
  const session = alice.session_id;
  return { o, cat, room, stage, alice, bob, mod, aud, req, session };
}

// Every read that takes an id in the path, as [path template, the id's parameter name].
function reads(w) {
  return [
    [`/v1/rooms/${w.room.id}`, 'room_id'],
    [`/v1/categories/${w.cat.id}`, 'category_id'],
    [`/v1/rooms/${w.room.id}/sessions`, 'room_id'],
    [`/v1/sessions/${w.session}`, 'session_id'],
    [`/v1/rooms/${w.room.id}/participants`, 'room_id'],
    [`/v1/sessions/${w.session}/participants`, 'session_id'],
    [`/v1/participants/${w.alice.id}`, 'participant_id'],
    [`/v1/rooms/${w.room.id}/events`, 'room_id'],
    [`/v1/sessions/${w.session}/events`, 'session_id'],
    [`/v1/participants/${w.alice.id}/signals`, 'participant_id'],
    [`/v1/sessions/${w.session}/signals`, 'session_id'],
    [`/v1/analytics/rooms/${w.room.id}`, 'room_id'],
    [`/v1/rooms/${w.stage.id}/stage/requests`, 'room_id'],
    [`/v1/stage/requests/${w.req.id}`, 'request_id'],
  ];
}

test('every read matches an upper-cased UUID and refuses a malformed one', async () => {
  const w = await world();
  for (const [path, field] of reads(w)) {
    const id = path.match(/[0-9a-f-]{36}/)[0];
    const lower = await w.o.req('GET', path);
    assert.equal(lower.status, 200, `${path}: ${lower.text}`);
    const upper = await w.o.req('GET', path.replace(id, UP(id)));
    assert.equal(upper.status, 200, `${UP(path)}: ${upper.text}`);
    assert.deepEqual(still(upper.body), still(lower.body), `${path}: the same answer in either case`);
    assertError(await w.o.req('GET', path.replace(id, BAD)), 400, 'invalid_uuid', field);
    assertError(await w.o.req('GET', path.replace(id, id.slice(0, 35))), 400, 'invalid_uuid', field);
  }
  // Admin routes: orgs.
  const org = await vox.admin('GET', `/v1/orgs/${UP(w.o.org.id)}`);
  assert.equal(org.status, 200, org.text);
  assert.equal(org.body.id, w.o.org.id);
  assertError(await vox.admin('GET', `/v1/orgs/${BAD}`), 400, 'invalid_uuid', 'org_id');
});

test('query ids match in either case and are refused when malformed', async () => {
  const w = await world();
  const cases = [
    [`/v1/events?room_id=${w.room.id}`, 'room_id', 'events'],
    [`/v1/events?session_id=${w.session}`, 'session_id', 'events'],
    [`/v1/events?participant_id=${w.alice.id}`, 'participant_id', 'events'],
    [`/v1/events?room_id=${w.room.id}&session_id=${w.session}&participant_id=${w.alice.id}`, 'room_id', 'events'],
    [`/v1/rooms?category_id=${w.cat.id}`, 'category_id', 'rooms'],
    [`/v1/sessions?room_id=${w.room.id}`, 'room_id', 'sessions'],
    [`/v1/rooms/${w.room.id}/participants?session_id=${w.session}`, 'session_id', 'participants'],
  ];
  for (const [path, field, key] of cases) {
    const lower = await w.o.ok('GET', path);
    assert.ok(lower[key].length > 0, `${path} finds something`);
    const upper = await w.o.ok('GET', path.replace(/[0-9a-f-]{36}/g, UP));
    assert.deepEqual(still(upper), still(lower), `${path}: the same answer with upper-cased ids`);
    const bad = path.replace(new RegExp(`${field}=[0-9a-f-]{36}`), `${field}=${BAD}`);
    assertError(await w.o.req('GET', bad), 400, 'invalid_uuid', field);
  }
});

test('writes match an upper-cased UUID in the path, and act on the right resource', async () => {
  const w = await world();
  let r = await w.o.req('PATCH', `/v1/rooms/${UP(w.room.id)}`, { bitrate: 32000 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, w.room.id);
  r = await w.o.req('PATCH', `/v1/participants/${UP(w.alice.id)}`, { audio: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.audio, true);
  r = await w.o.req('POST', `/v1/participants/${UP(w.bob.id)}/heartbeat`);
  assert.equal(r.status, 200, r.text);
  r = await w.o.req('POST', `/v1/stage/requests/${UP(w.req.id)}/approve`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.participant.role, 'speaker');
  r = await w.o.req('POST', `/v1/rooms/${UP(w.stage.id)}/stage/speakers/${UP(w.aud.id)}/demote`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, w.aud.id);
  assertError(await w.o.req('POST', `/v1/rooms/${w.stage.id}/stage/speakers/${BAD}/demote`), 400, 'invalid_uuid', 'participant_id');
  const extra = await w.o.ok('POST', '/v1/categories', { name: 'gone' });
  assert.equal((await w.o.req('DELETE', `/v1/categories/${UP(extra.id)}`)).status, 204);
  assertError(await w.o.req('GET', `/v1/categories/${extra.id}`), 404, 'not_found');
  assertError(await w.o.req('DELETE', `/v1/rooms/${BAD}`), 400, 'invalid_uuid', 'room_id');
});

test('body ids match in either case and are stored lower-case', async () => {
  const w = await world();
  const room = await w.o.ok('POST', '/v1/rooms', { name: 'upper-cat', type: 'voice', category_id: UP(w.cat.id) });
  assert.equal(room.category_id, w.cat.id);
  const t = await w.o.ok('POST', '/v1/tokens', { identity: 'carol', room_id: UP(w.room.id) });
  assert.equal(t.room_id, w.room.id);
  // The token works in its room: the claim is the room's own id.
  const joined = await vox.req('POST', `/v1/rooms/${w.room.id}/participants`, { auth: `Bearer ${t.token}`, body: {} });
  assert.equal(joined.status, 201, joined.text);
  const m = await w.o.ok('POST', `/v1/rooms/${w.stage.id}/stage/moderators`, { participant_id: UP(w.aud.id) });
  assert.equal(m.id, w.aud.id);
  const sig = await w.o.req('POST', `/v1/participants/${w.alice.id}/signals`,
    { to: UP(w.bob.id), signal: { kind: 'message', data: { hi: 1 } } });
  assert.equal(sig.status, 201, sig.text);
  assert.equal(sig.body.to, w.bob.id);
  assertError(await w.o.req('POST', `/v1/participants/${w.alice.id}/signals`,
    { to: BAD, signal: { kind: 'message', data: 1 } }), 400, 'invalid_uuid', 'to');
  assertError(await w.o.req('POST', '/v1/tokens', { identity: 'x', room_id: BAD }), 400, 'invalid_uuid', 'room_id');
  const moved = await w.o.req('POST', `/v1/participants/${w.bob.id}/move`, { room_id: UP(room.id) });
  assert.ok([200, 201].includes(moved.status), moved.text);
  assert.equal(moved.body.room_id, room.id);
});

test('api key ids match in either case; a malformed one is invalid_uuid', async () => {
  const o = await vox.newOrg('key-ids');
  assert.match(o.keyId, /^AK[A-Z2-9]{20}$/);
  const lower = await o.ok('POST', '/v1/keys', { name: 'lower' });
  const upper = await o.ok('POST', '/v1/keys', { name: 'upper' });
  assert.equal((await o.req('DELETE', `/v1/keys/${lower.id.toLowerCase()}`)).status, 204);
  assert.equal((await o.req('DELETE', `/v1/keys/${upper.id}`)).status, 204);
  const keys = (await o.ok('GET', '/v1/keys')).keys;
  assert.ok(keys.find((k) => k.id === lower.id).revoked_at, 'the lower-cased id revoked the key');
  // Revoked either way: the key no longer authenticates.
  for (const k of [lower, upper]) {
    const auth = 'Basic ' + Buffer.from(`${k.id}:${k.secret}`).toString('base64');
    assertError(await vox.req('GET', '/v1/org', { auth }), 401, 'unauthorized');
  }
  // Itself in lower case is still itself.
  assertError(await o.req('DELETE', `/v1/keys/${o.keyId.toLowerCase()}`), 409, 'conflict', 'key_id');
  for (const bad of ['AK123', `${o.keyId}X`, 'AKIIIIIIIIIIIIIIIIIIII', '00000000-0000-4000-8000-000000000000', `${o.keyId.slice(0, 21)}-`])
    assertError(await o.req('DELETE', `/v1/keys/${bad}`), 400, 'invalid_uuid', 'key_id');
  assertError(await o.req('DELETE', '/v1/keys/AKAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
});
