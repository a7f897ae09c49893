// SPDX-License-Identifier: MIT
// Rooms and access tokens: happy paths, every validation error, cross-org 404s, and the
// 401 answers for expired, malformed and wrongly signed tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Voxd, assertError } from './lib.mjs';

let vox, a, b;
before(async () => {
  vox = await new Voxd().start();
  a = await vox.newOrg('A');
  b = await vox.newOrg('B');
});
after(async () => { await vox.destroy(); });

const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
function signJwt(claims, secret, header = { alg: 'HS256', typ: 'JWT' }) {
  const input = `${b64u(header)}.${b64u(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

test('room CRUD with defaults and limits', async () => {
  const r = await a.ok('POST', '/v1/rooms', { name: 'Lobby', type: 'voice' }, 201);
  assert.equal(r.type, 'voice');
  assert.equal(r.participant_limit, 99);
  assert.equal(r.bitrate, 64000);
  assert.equal(r.has_password, false);
  assert.equal(r.media_mode, 'sfu');
  const got = await a.ok('GET', `/v1/rooms/${r.id}`);
  assert.deepEqual(got, r);
  const up = await a.ok('PATCH', `/v1/rooms/${r.id}`, {
    max_participants: 10, bitrate: 8000, password: 'hunter22', waiting_room: true,
    metadata: { team: 'blue' }, permission_overrides: { roles: { participant: { deny: ['video'] } } },
  });
  assert.equal(up.participant_limit, 10);
  assert.equal(up.bitrate, 8000);
  assert.equal(up.has_password, true);
  assert.equal(up.waiting_room, true);
  assert.deepEqual(up.metadata, { team: 'blue' });
  assert.equal(up.password, undefined);
  const cleared = await a.ok('PATCH', `/v1/rooms/${r.id}`, { password: null });
  assert.equal(cleared.has_password, false);
  const stage = await a.createRoom({ type: 'stage' });
  assert.equal(stage.participant_limit, 1000);
  const list = await a.ok('GET', '/v1/rooms?type=stage');
  assert.deepEqual(list.rooms.map((x) => x.id), [stage.id]);
  assert.equal((await a.req('DELETE', `/v1/rooms/${r.id}`)).status, 204);
  assertError(await a.req('GET', `/v1/rooms/${r.id}`), 404, 'not_found');
  const ev = await a.ok('GET', `/v1/events?room_id=${r.id}`);
  assert.deepEqual(ev.events.map((e) => e.type), ['room.created', 'room.updated', 'room.updated', 'room.deleted']);
});

test('room bodies are validated and refused bodies change nothing', async () => {
  const cases = [
    [{ type: 'voice' }, 'missing_field', 'name'],
    [{ name: 'x', type: 'karaoke' }, 'invalid_value', 'type'],
    [{ name: 'x', type: 'voice', bitrate: 7999 }, 'out_of_range', 'bitrate'],
    [{ name: 'x', type: 'voice', bitrate: 384001 }, 'out_of_range', 'bitrate'],
    [{ name: 'x', type: 'voice', max_participants: 100 }, 'out_of_range', 'max_participants'],
    [{ name: 'x', type: 'voice', media_mode: 'p2p', max_participants: 5 }, 'invalid_value', 'media_mode'],
    [{ name: 'x', type: 'voice', nope: 1 }, 'unknown_field', 'nope'],
    [{ name: '', type: 'voice' }, 'too_short', 'name'],
    [{ name: '   ', type: 'voice' }, 'invalid_value', 'name'],
    [{ name: 'x'.repeat(129), type: 'voice' }, 'too_long', 'name'],
    [{ name: 'x', type: 'voice', persistent: 'yes' }, 'invalid_type', 'persistent'],
    [{ name: 'x', type: 'voice', category_id: 'abc' }, 'invalid_uuid', 'category_id'],
    [{ name: 'x', type: 'voice', category_id: '00000000-0000-4000-8000-000000000000' }, 'invalid_value', 'category_id'],
    [{ name: 'x', type: 'voice', password: 'abc' }, 'too_short', 'password'],
    [{ name: 'x', type: 'voice', metadata: [] }, 'invalid_type', 'metadata'],
    [{ name: 'x', type: 'voice', metadata: { big: 'y'.repeat(5000) } }, 'too_long', 'metadata'],
    [{ name: 'x', type: 'voice', permission_overrides: { roles: { king: {} } } }, 'invalid_value', 'permission_overrides'],
    [{ name: 'x', type: 'voice', permission_overrides: { roles: { host: { allow: ['fly'] } } } }, 'invalid_value', 'permission_overrides'],
    [{ name: 'x\u0001', type: 'voice' }, 'invalid_value', 'name'],
  ];
  for (const [body, code, field] of cases)
    assertError(await a.req('POST', '/v1/rooms', body), 400, code, field);
  assertError(await a.req('POST', '/v1/rooms', undefined, { raw: '{"name":"x","type":"voice"' }), 400, 'invalid_json');
  assertError(await a.req('POST', '/v1/rooms', undefined, { raw: '["x"]' }), 400, 'invalid_json');
  assertError(await a.req('POST', '/v1/rooms', undefined, { raw: '{"name":"x","name":"y","type":"voice"}' }), 400, 'invalid_json');
  assertError(await a.req('GET', '/v1/rooms?limit=0'), 400, 'out_of_range', 'limit');
  assertError(await a.req('GET', '/v1/rooms?type=bogus'), 400, 'invalid_value', 'type');
  assertError(await a.req('GET', '/v1/rooms/nope'), 400, 'invalid_uuid');
  const list = await a.ok('GET', '/v1/rooms?limit=500');
  assert.ok(list.rooms.every((r) => r.name !== 'x'), 'a refused create must not store anything');

  const r = await a.createRoom({ name: 'taken' });
  assertError(await a.req('POST', '/v1/rooms', { name: 'taken', type: 'video' }), 409, 'name_taken', 'name');
  assert.equal((await b.req('POST', '/v1/rooms', { name: 'taken', type: 'video' })).status, 201, 'names are per org');
  assertError(await a.req('PATCH', `/v1/rooms/${r.id}`, { bitrate: 1 }), 400, 'out_of_range', 'bitrate');
  assert.equal((await a.ok('GET', `/v1/rooms/${r.id}`)).bitrate, r.bitrate);
});

test('another org gets 404 for every room route and cannot mint tokens for it', async () => {
  const r = await a.createRoom();
  assertError(await b.req('GET', `/v1/rooms/${r.id}`), 404, 'not_found');
  assertError(await b.req('PATCH', `/v1/rooms/${r.id}`, { bitrate: 9000 }), 404, 'not_found');
  assertError(await b.req('DELETE', `/v1/rooms/${r.id}`), 404, 'not_found');
  assertError(await b.req('POST', '/v1/tokens', { identity: 'eve', room_id: r.id }), 404, 'not_found');
  assertError(await b.req('POST', `/v1/rooms/${r.id}/participants`, { identity: 'eve' }), 404, 'not_found');
  assert.ok(!(await b.ok('GET', '/v1/rooms?limit=500')).rooms.some((x) => x.id === r.id));
  assert.equal((await a.ok('GET', `/v1/rooms/${r.id}`)).bitrate, r.bitrate);
});

test('tokens: minted claims, validation, and 401 with a reason for bad tokens', async () => {
  const r = await a.createRoom();
  const t = await a.ok('POST', '/v1/tokens', {
    identity: 'alice', name: 'Alice', room_id: r.id, ttl: 600, grants: { publish: false, role: 'viewer' },
  }, 201);
  const [h, p] = t.token.split('.').slice(0, 2).map((x) => JSON.parse(Buffer.from(x, 'base64url')));
  assert.equal(h.alg, 'HS256');
  assert.equal(h.kid, a.keyId);
  assert.equal(p.iss, a.keyId);
  assert.equal(p.sub, 'alice');
  assert.equal(p.room, r.id);
  assert.equal(p.grants.publish, false);
  assert.equal(p.grants.role, 'viewer');
  assert.ok(p.exp - p.iat === 600);

  assertError(await a.req('POST', '/v1/tokens', { room_id: r.id }), 400, 'missing_field', 'identity');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: r.id, ttl: 5 }), 400, 'out_of_range', 'ttl');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: r.id, ttl: 86401 }), 400, 'out_of_range', 'ttl');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: r.id, grants: { join: 'yes' } }), 400, 'invalid_type', 'grants.join');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: r.id, grants: { role: 'king' } }), 400, 'invalid_value', 'grants.role');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: r.id, grants: { fly: true } }), 400, 'unknown_field', 'grants.fly');
  assertError(await a.req('POST', '/v1/tokens', { identity: 'x', room_id: 'nope' }), 400, 'invalid_uuid', 'room_id');

  const join = (token) => vox.req('POST', `/v1/rooms/${r.id}/participants`, { auth: `Bearer ${token}`, body: {} });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: a.keyId, sub: 'bob', room: r.id, iat: now, exp: now + 60, grants: { join: true } };
  assert.equal((await join(signJwt(claims, a.secret, { alg: 'HS256', typ: 'JWT', kid: a.keyId }))).status, 201);
  const expired = await join(signJwt({ ...claims, exp: now - 60 }, a.secret, { alg: 'HS256', kid: a.keyId }));
  assertError(expired, 401, 'unauthorized');
  assert.match(expired.body.error.message, /expired/);
  const wrong = await join(signJwt(claims, 'not-the-secret', { alg: 'HS256', kid: a.keyId }));
  assertError(wrong, 401, 'unauthorized');
  assert.match(wrong.body.error.message, /signature/);
  const none = await join(`${b64u({ alg: 'none', kid: a.keyId })}.${b64u(claims)}.`);
  assertError(none, 401, 'unauthorized');
  assert.match(none.body.error.message, /algorithm/);
  assertError(await join('garbage'), 401, 'unauthorized');
  assertError(await join(signJwt(claims, b.secret, { alg: 'HS256', kid: b.keyId })), 401, 'unauthorized');
  const other = await a.createRoom();
  const elsewhere = await vox.req('POST', `/v1/rooms/${other.id}/participants`, { auth: `Bearer ${t.token}`, body: {} });
  assert.ok([403, 404].includes(elsewhere.status), elsewhere.text);
  assertError(await vox.req('GET', '/v1/rooms', { auth: `Bearer ${t.token}` }), 401, 'unauthorized');
});

test('a room password never reaches the event log', async () => {
  const r = await a.createRoom();
  await a.ok('PATCH', `/v1/rooms/${r.id}`, { password: 'sekrit-pass' });
  const ev = await a.ok('GET', `/v1/events?room_id=${r.id}&type=room.updated`);
  assert.equal(ev.events.length, 1);
  assert.equal(ev.events[0].data.password_changed, true);
  assert.ok(!JSON.stringify(ev).includes('sekrit-pass'));
});
