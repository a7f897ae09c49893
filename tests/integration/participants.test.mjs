// SPDX-License-Identifier: MIT
// Participants: join (api key and token), capacity, passwords, waiting room, media/role
// updates, remove, move, leave, presence timeouts, list filters and cross-org isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Voxd, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const join = (o, roomId, body, auth) =>
  vox.req('POST', `/v1/rooms/${roomId}/participants`, { auth: auth || o.auth, body });

async function joined(o, roomId, body, auth) {
  const r = await join(o, roomId, body, auth);
  assert.ok([200, 201].includes(r.status), `join -> ${r.status} ${r.text}`);
  return r.body;
}

const as = (auth, method, path, body) => vox.req(method, path, { auth, body });

async function events(o, query) {
  const r = await o.ok('GET', `/v1/events?limit=500&${query}`);
  return r.events;
}

async function eventTypes(o, participantId) {
  return (await events(o, `participant_id=${participantId}`)).map((e) => e.type);
}

async function list(o, roomId, query = '') {
  return (await o.ok('GET', `/v1/rooms/${roomId}/participants?${query}`)).participants;
}

// Signs a token by hand (HS256 with the key secret), so expired tokens can be tested.
function signToken(o, claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: o.keyId });
  const body = b64({ iss: o.keyId, ...claims });
  const sig = createHmac('sha256', o.secret).update(`${head}.${body}`).digest('base64url');
  return `Bearer ${head}.${body}.${sig}`;
}

test('api key join: 201 with defaults, events, and the same identity gets its participant back', async () => {
  const o = await vox.newOrg('join-key');
  const room = await o.createRoom({ type: 'video' });
  const r = await join(o, room.id, {
    identity: 'alice', name: 'Alice', email: 'a@example.com', device: 'laptop', browser: 'firefox',
    recording_consent: true, metadata: { plan: 'pro' }, media: { audio: true, video: true },
  });
  assert.equal(r.status, 201, r.text);
  const p = r.body;
  assert.equal(p.identity, 'alice');
  assert.equal(p.name, 'Alice');
  assert.equal(p.email, 'a@example.com');
  assert.equal(p.kind, 'user');
  assert.equal(p.role, 'participant');
  assert.equal(p.status, 'connected');
  assert.equal(p.room_id, room.id);
  assert.ok(p.session_id);
  assert.ok(p.permissions.includes('speak') && p.permissions.includes('connect'));
  assert.ok(!p.permissions.includes('manage_room'));
  assert.equal(p.media.audio, true);
  assert.equal(p.media.video, true);
  assert.equal(p.media.volume, 100);
  assert.equal(p.recording_consent, true);
  assert.deepEqual(p.metadata, { plan: 'pro' });
  assert.equal(p.speaking_ms, 0); // nothing said and nothing measured yet (no media)
  assert.equal(p.network, null);
  assert.ok(p.joined_at && p.last_seen && p.created_at);
  assert.equal(p.left_at, null);
  assert.match(r.headers.get('location'), new RegExp(`/v1/participants/${p.id}$`));

  const types = await eventTypes(o, p.id);
  assert.ok(types.includes('participant.joined'));
  assert.ok(types.includes('participant.audio_enabled'));
  assert.ok(types.includes('participant.video_enabled'));

  const again = await join(o, room.id, { identity: 'alice', device: 'phone' });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.id, p.id);
  assert.equal(again.body.device, 'phone');
  assert.equal((await list(o, room.id)).length, 1);

  const got = await o.ok('GET', `/v1/participants/${p.id}`);
  assert.equal(got.id, p.id);
  assert.equal(got.speaking_ms, 0);
  assert.equal(got.network, null);
  const sess = await o.ok('GET', `/v1/sessions/${p.session_id}`);
  assert.equal(sess.state, 'active');
  assert.equal(sess.participant_count, 1);
  assert.equal(sess.peak_participants, 1);
  assert.equal(sess.speaking_ms, 0);
});

test('join bodies are validated and a refused join creates nothing', async () => {
  const o = await vox.newOrg('join-bad');
  const room = await o.createRoom();
  assertError(await join(o, room.id, {}), 400, 'missing_field', 'identity');
  assertError(await join(o, room.id, { identity: '' }), 400, 'too_short', 'identity');
  assertError(await join(o, room.id, { identity: 'x'.repeat(129) }), 400, 'too_long', 'identity');
  assertError(await join(o, room.id, { identity: 'a', role: 'king' }), 400, 'invalid_value', 'role');
  assertError(await join(o, room.id, { identity: 'a', kind: 'robot' }), 400, 'invalid_value', 'kind');
  assertError(await join(o, room.id, { identity: 'a', email: 'nope' }), 400, 'invalid_email', 'email');
  assertError(await join(o, room.id, { identity: 'a', device: 'd'.repeat(257) }), 400, 'too_long', 'device');
  assertError(await join(o, room.id, { identity: 'a', metadata: { x: 'y'.repeat(5000) } }), 400, 'too_long', 'metadata');
  assertError(await join(o, room.id, { identity: 'a', media: { audio: 'yes' } }), 400, 'invalid_type', 'media.audio');
  assertError(await join(o, room.id, { identity: 'a', media: { mic: true } }), 400, 'unknown_field', 'media.mic');
  assertError(await join(o, room.id, { identity: 'a', recording_consent: 1 }), 400, 'invalid_type', 'recording_consent');
  assertError(await join(o, room.id, { identity: 'a', extra: 1 }), 400, 'unknown_field', 'extra');
  assertError(await join(o, 'not-a-uuid', { identity: 'a' }), 400, 'invalid_uuid', 'room_id');
  assertError(await join(o, '00000000-0000-4000-8000-000000000000', { identity: 'a' }), 404, 'not_found');
  // A viewer asking for audio at join is refused by the domain, and nothing is created.
  assertError(await join(o, room.id, { identity: 'v', role: 'viewer', media: { audio: true } }), 403, 'forbidden');
  assert.equal((await o.ok('GET', `/v1/rooms/${room.id}/sessions`)).sessions.length, 0);
  assert.equal((await list(o, room.id)).length, 0);
});

test('token join: identity and role from the token, wrong room, no join grant, bad tokens', async () => {
  const o = await vox.newOrg('join-token');
  const room = await o.createRoom();
  const other = await o.createRoom();
  const stage = await o.createRoom({ type: 'stage' });

  const bob = await o.tokenAuth(room.id, 'bob', {}, { name: 'Bobby' });
  const p = await joined(o, room.id, { device: 'tablet' }, bob);
  assert.equal(p.identity, 'bob');
  assert.equal(p.name, 'Bobby');
  assert.equal(p.role, 'participant');

  const admin = await o.tokenAuth(room.id, 'boss', { admin: true });
  assert.equal((await joined(o, room.id, {}, admin)).role, 'host');
  const mod = await o.tokenAuth(room.id, 'mod', { role: 'moderator' });
  assert.equal((await joined(o, room.id, {}, mod)).role, 'moderator');
  const aud = await o.tokenAuth(stage.id, 'listener');
  assert.equal((await joined(o, stage.id, {}, aud)).role, 'audience');
  const rec = await o.tokenAuth(room.id, 'rec-bot', { recorder: true });
  assert.equal((await joined(o, room.id, {}, rec)).kind, 'recorder');

  assertError(await join(o, other.id, {}, bob), 403, 'wrong_room');
  const nojoin = await o.tokenAuth(room.id, 'lurker', { join: false });
  assertError(await join(o, room.id, {}, nojoin), 403, 'forbidden');
  assertError(await join(o, room.id, { role: 'host' }, bob), 403, 'forbidden', 'role');
  assertError(await join(o, room.id, { identity: 'mallory' }, bob), 403, 'forbidden', 'identity');
  assertError(await join(o, room.id, { kind: 'recorder' }, bob), 403, 'forbidden', 'kind');
  const nopub = await o.tokenAuth(room.id, 'quiet', { publish: false });
  assertError(await join(o, room.id, { media: { audio: true } }, nopub), 403, 'forbidden');

  const now = Math.floor(Date.now() / 1000);
  const expired = signToken(o, { sub: 'old', room: room.id, exp: now - 120 });
  const r = await join(o, room.id, {}, expired);
  assertError(r, 401, 'unauthorized');
  assert.match(r.body.error.message, /expire/i);
  const forged = signToken({ ...o, secret: 'not-the-secret' }, { sub: 'x', room: room.id, exp: now + 600 });
  assertError(await join(o, room.id, {}, forged), 401, 'unauthorized');
  const garbage = await join(o, room.id, {}, 'Bearer garbage');
  assertError(garbage, 401, 'unauthorized');
  assert.ok(garbage.body.error.message.length > 0);

  const names = (await list(o, room.id)).map((x) => x.identity).sort();
  assert.deepEqual(names, ['bob', 'boss', 'mod', 'rec-bot']);
});

test('room password: tokens need it, api keys bypass it', async () => {
  const o = await vox.newOrg('password');
  const room = await o.createRoom({ password: 'sesame123' });
  const t = await o.tokenAuth(room.id, 'guest');
  assertError(await join(o, room.id, {}, t), 403, 'wrong_password', 'password');
  assertError(await join(o, room.id, { password: 'wrong' }, t), 403, 'wrong_password', 'password');
  assert.equal((await join(o, room.id, { password: 'sesame123' }, t)).status, 201);
  assert.equal((await join(o, room.id, { identity: 'server-side' })).status, 201);
});

test('room_full at max_participants, and the refused join changes nothing', async () => {
  const o = await vox.newOrg('full');
  const room = await o.createRoom({ max_participants: 2 });
  await joined(o, room.id, { identity: 'a' });
  const b = await joined(o, room.id, { identity: 'b' });
  assertError(await join(o, room.id, { identity: 'c' }), 409, 'room_full');
  assert.deepEqual((await list(o, room.id)).map((p) => p.identity).sort(), ['a', 'b']);
  // Someone already inside gets back in; after a leave a new seat is free.
  assert.equal((await join(o, room.id, { identity: 'a' })).status, 200);
  await o.ok('POST', `/v1/participants/${b.id}/leave`);
  assert.equal((await join(o, room.id, { identity: 'c' })).status, 201);
});

test('waiting room: guests wait, host admits or denies, others cannot admit', async () => {
  const o = await vox.newOrg('waiting');
  const room = await o.createRoom({ waiting_room: true, max_participants: 3 });
  const hostAuth = await o.tokenAuth(room.id, 'host', { role: 'host' });
  const host = await joined(o, room.id, {}, hostAuth);
  assert.equal(host.status, 'connected');

  const g1Auth = await o.tokenAuth(room.id, 'g1');
  const g1 = await joined(o, room.id, {}, g1Auth);
  assert.equal(g1.status, 'waiting');
  assert.equal(g1.joined_at, null);
  assert.ok((await eventTypes(o, g1.id)).includes('participant.waiting'));
  const g2 = await joined(o, room.id, {}, await o.tokenAuth(room.id, 'g2'));
  const mod = await joined(o, room.id, { identity: 'mod', role: 'moderator' });
  assert.equal(mod.status, 'waiting');

  // A waiting guest cannot admit anyone (it is not in the session yet).
  assertError(await as(g1Auth, 'POST', `/v1/participants/${g2.id}/admit`), 403, 'forbidden');
  assertError(await as(g1Auth, 'POST', `/v1/participants/${g1.id}/admit`), 403, 'forbidden');
  // The api key admits the moderator; a moderator still may not admit (host/co_host only).
  assert.equal((await o.ok('POST', `/v1/participants/${mod.id}/admit`)).status, 'connected');
  const modAuth = await o.tokenAuth(room.id, 'mod');
  assertError(await as(modAuth, 'POST', `/v1/participants/${g2.id}/admit`), 403, 'forbidden');
  assert.equal((await o.ok('GET', `/v1/participants/${g2.id}`)).status, 'waiting');

  assert.deepEqual((await list(o, room.id, 'status=waiting')).map((p) => p.identity).sort(), ['g1', 'g2']);
  const admitted = await as(hostAuth, 'POST', `/v1/participants/${g1.id}/admit`);
  assert.equal(admitted.status, 200, admitted.text);
  assert.equal(admitted.body.status, 'connected');
  assert.ok(admitted.body.joined_at);
  const types = await eventTypes(o, g1.id);
  assert.ok(types.includes('participant.admitted') && types.includes('participant.joined'));

  const denied = await as(hostAuth, 'POST', `/v1/participants/${g2.id}/deny`);
  assert.equal(denied.status, 200, denied.text);
  assert.equal(denied.body.status, 'denied');
  assert.ok((await eventTypes(o, g2.id)).includes('participant.denied'));
  // Deciding again: a denied guest is gone, an admitted one is no longer waiting.
  assertError(await as(hostAuth, 'POST', `/v1/participants/${g2.id}/admit`), 409, 'participant_gone');
  assertError(await as(hostAuth, 'POST', `/v1/participants/${g2.id}/deny`), 409, 'participant_gone');
  assertError(await as(hostAuth, 'POST', `/v1/participants/${g1.id}/deny`), 409, 'not_waiting');
  assertError(await as(hostAuth, 'POST', `/v1/participants/${g1.id}/admit`), 409, 'not_waiting');

  // Capacity counts only seated participants, and admitting past it is room_full.
  const g3 = await joined(o, room.id, { identity: 'g3' });
  assert.equal(g3.status, 'waiting');
  assertError(await o.req('POST', `/v1/participants/${g3.id}/admit`), 409, 'room_full');
  assert.equal((await o.ok('GET', `/v1/participants/${g3.id}`)).status, 'waiting');
});

test('media updates: viewers publish nothing, moderators mute participants but not the host', async () => {
  const o = await vox.newOrg('media');
  const room = await o.createRoom({ type: 'video' });
  const hostAuth = await o.tokenAuth(room.id, 'host', { role: 'host' });
  const host = await joined(o, room.id, {}, hostAuth);
  const modAuth = await o.tokenAuth(room.id, 'mod', { role: 'moderator' });
  await joined(o, room.id, {}, modAuth);
  const partAuth = await o.tokenAuth(room.id, 'part');
  const part = await joined(o, room.id, {}, partAuth);
  const viewerAuth = await o.tokenAuth(room.id, 'viewer', { role: 'viewer' });
  const viewer = await joined(o, room.id, {}, viewerAuth);

  assertError(await as(viewerAuth, 'PATCH', `/v1/participants/${viewer.id}`, { audio: true }), 403, 'forbidden');
  assertError(await o.req('PATCH', `/v1/participants/${viewer.id}`, { audio: true }), 403, 'forbidden');
  assertError(await o.req('PATCH', `/v1/participants/${viewer.id}`, { video: true }), 403, 'forbidden');
  assert.equal((await o.ok('GET', `/v1/participants/${viewer.id}`)).media.audio, false);

  let r = await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { audio: true, hand_raised: true, volume: 150 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.audio, true);
  assert.equal(r.body.media.volume, 150);

  r = await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { server_mute: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.server_mute, true);
  assert.ok((await eventTypes(o, part.id)).includes('participant.muted'));
  const refused = await as(modAuth, 'PATCH', `/v1/participants/${host.id}`, { server_mute: true });
  assertError(refused, 403, 'forbidden');
  assert.match(refused.body.error.message, /equal or higher role/);
  assert.equal((await o.ok('GET', `/v1/participants/${host.id}`)).media.server_mute, false);

  // A server-muted participant cannot unmute itself, nor turn audio on.
  assertError(await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { server_mute: false }), 403, 'forbidden');
  // Another participant's volume, or turning its audio on, is never a moderator's.
  assertError(await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { volume: 10 }), 403, 'forbidden');
  assertError(await as(partAuth, 'PATCH', `/v1/participants/${host.id}`, { audio: false }), 403, 'forbidden');

  assertError(await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { volume: 201 }), 400, 'out_of_range', 'volume');
  assertError(await o.req('PATCH', `/v1/participants/${part.id}`, { volume: -1 }), 400, 'out_of_range', 'volume');
  assertError(await o.req('PATCH', `/v1/participants/${part.id}`, {}), 400, 'invalid_value');
  assertError(await o.req('PATCH', `/v1/participants/${part.id}`, { speaking: true }), 400, 'unknown_field', 'speaking');
  assertError(await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { name: 'X' }), 403, 'forbidden', 'name');
  r = await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { name: 'Partly', metadata: { a: 1 } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.name, 'Partly');
  assert.deepEqual(r.body.metadata, { a: 1 });
  // The api key acts as the server: it may lift a server mute.
  r = await o.req('PATCH', `/v1/participants/${part.id}`, { server_mute: false });
  assert.equal(r.status, 200, r.text);
  assert.ok((await eventTypes(o, part.id)).includes('participant.unmuted'));
});

test('server mute takes the audio with it; the audio stays off until unmuted', async () => {
  const o = await vox.newOrg('server-mute');
  const room = await o.createRoom({ type: 'video', screen_share_allowed: true });
  const modAuth = await o.tokenAuth(room.id, 'mod', { role: 'moderator' });
  await joined(o, room.id, {}, modAuth);
  const partAuth = await o.tokenAuth(room.id, 'part');
  const part = await joined(o, room.id, { media: { audio: true, video: true } }, partAuth);
  assert.equal(part.media.audio, true);
  const seen = (await eventTypes(o, part.id)).length;

  let r = await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { server_mute: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.server_mute, true);
  assert.equal(r.body.media.audio, false, 'a media plane must not see audio: true');
  assert.equal(r.body.media.video, true, 'only the audio is muted');
  const after = (await eventTypes(o, part.id)).slice(seen);
  assert.deepEqual(after.sort(), ['participant.audio_disabled', 'participant.muted']);
  assert.equal((await o.ok('GET', `/v1/participants/${part.id}`)).media.audio, false);

  // Muted: no way back to audio, by itself, by an api key, nor by joining again.
  const refused = await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { audio: true });
  assertError(refused, 403, 'forbidden');
  assert.match(refused.body.error.message, /server-muted/);
  assertError(await o.req('PATCH', `/v1/participants/${part.id}`, { audio: true }), 403, 'forbidden');
  assertError(await o.req('PATCH', `/v1/participants/${part.id}`, { audio: true, server_mute: true }), 403, 'forbidden');
  const again = await join(o, room.id, { media: { audio: true } }, partAuth);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.body.id, part.id);
  assert.equal(again.body.media.audio, false);
  assert.equal(again.body.media.server_mute, true);
  // Video is still the participant's own to turn off and on.
  assert.equal((await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { video: false })).status, 200);
  assert.equal((await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { video: true })).status, 200);

  // Unmuted, the audio stays off until the participant turns it on.
  const before = (await eventTypes(o, part.id)).length;
  r = await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { server_mute: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.audio, false);
  assert.deepEqual((await eventTypes(o, part.id)).slice(before), ['participant.unmuted']);
  r = await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { audio: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.audio, true);

  // An api key may lift the mute and turn the audio on in one request, as the server.
  await as(modAuth, 'PATCH', `/v1/participants/${part.id}`, { server_mute: true });
  r = await o.req('PATCH', `/v1/participants/${part.id}`, { server_mute: false, audio: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.media.audio, true);
});

test('emails follow the documented grammar; a refused one creates nothing', async () => {
  const o = await vox.newOrg('emails');
  const room = await o.createRoom();
  const bad = ['<script>@x.com', 'a@x.com<b>', '"quoted"@x.com', 'a b@x.com', 'a@[127.0.0.1]',
    'a@127.0.0.1', 'a..b@x.com', '.a@x.com', 'a@x', 'a@-x.com', 'a@x_y.com', 'j\u00f6rg@x.de',
    `${'l'.repeat(65)}@x.com`, `a@${'d'.repeat(64)}.com`];
  for (const email of bad)
    assertError(await join(o, room.id, { identity: 'e', email }), 400, 'invalid_email', 'email');
  assert.equal((await list(o, room.id)).length, 0);
  const good = ["o'brien+tag@mail.example.co", 'A_B-C@xn--bcher-kva.example', `${'l'.repeat(64)}@x.io`];
  for (const [i, email] of good.entries()) {
    const p = await joined(o, room.id, { identity: `g${i}`, email });
    assert.equal(p.email, email);
  }
});

test('role changes recompute permissions and record role_changed', async () => {
  const o = await vox.newOrg('roles');
  const room = await o.createRoom();
  const hostAuth = await o.tokenAuth(room.id, 'host', { role: 'host' });
  await joined(o, room.id, {}, hostAuth);
  const partAuth = await o.tokenAuth(room.id, 'part');
  const part = await joined(o, room.id, {}, partAuth);
  const other = await joined(o, room.id, { identity: 'other', media: { audio: true } });

  let r = await o.req('PATCH', `/v1/participants/${part.id}`, { role: 'moderator' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.role, 'moderator');
  assert.ok(r.body.permissions.includes('mute_members'));
  const ev = (await events(o, `participant_id=${part.id}&type=participant.role_changed`))[0];
  assert.ok(ev, 'role_changed event');
  assert.equal(ev.data.from, 'participant');
  assert.equal(ev.data.to, 'moderator');

  // A moderator (no manage_room, not host/co_host) may not change roles; nor promote itself.
  assertError(await as(partAuth, 'PATCH', `/v1/participants/${other.id}`, { role: 'viewer' }), 403, 'forbidden', 'role');
  assertError(await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { role: 'host' }), 403, 'forbidden', 'role');
  // The host demotes another to viewer: its audio goes off with the speak permission.
  r = await as(hostAuth, 'PATCH', `/v1/participants/${other.id}`, { role: 'viewer' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.role, 'viewer');
  assert.equal(r.body.media.audio, false);
  assert.ok(!r.body.permissions.includes('speak'));
  assert.ok((await eventTypes(o, other.id)).includes('participant.audio_disabled'));
});

test('remove: by api key, by a moderator token, refusals, and twice is 409', async () => {
  const o = await vox.newOrg('remove');
  const room = await o.createRoom();
  const hostAuth = await o.tokenAuth(room.id, 'host', { role: 'host' });
  const host = await joined(o, room.id, {}, hostAuth);
  const modAuth = await o.tokenAuth(room.id, 'mod', { role: 'moderator' });
  const mod = await joined(o, room.id, {}, modAuth);
  const partAuth = await o.tokenAuth(room.id, 'part');
  const part = await joined(o, room.id, {}, partAuth);
  const p2 = await joined(o, room.id, { identity: 'p2' });

  assertError(await as(partAuth, 'POST', `/v1/participants/${p2.id}/remove`), 403, 'forbidden');
  assertError(await as(modAuth, 'POST', `/v1/participants/${host.id}/remove`), 403, 'forbidden');
  assertError(await as(modAuth, 'POST', `/v1/participants/${mod.id}/remove`), 400, 'invalid_value');
  assertError(await o.req('POST', `/v1/participants/${p2.id}/remove`, { reason: 5 }), 400, 'invalid_type', 'reason');
  assert.equal((await list(o, room.id, 'status=present')).length, 4);

  let r = await as(modAuth, 'POST', `/v1/participants/${part.id}/remove`, { reason: 'spam' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'removed');
  assert.ok(r.body.left_at);
  const ev = (await events(o, `participant_id=${part.id}&type=participant.removed`))[0];
  assert.equal(ev.data.reason, 'spam');
  assert.equal(ev.data.by, 'mod');

  r = await o.req('POST', `/v1/participants/${p2.id}/remove`);
  assert.equal(r.status, 200, r.text);
  assertError(await o.req('POST', `/v1/participants/${p2.id}/remove`), 409, 'participant_gone');
  // A removed participant's token cannot act any more.
  assertError(await as(partAuth, 'PATCH', `/v1/participants/${part.id}`, { audio: true }), 409, 'participant_gone');
  assert.deepEqual((await list(o, room.id, 'status=removed')).map((p) => p.identity).sort(), ['p2', 'part']);
});

test('leave: self by token, not someone else, twice is 409', async () => {
  const o = await vox.newOrg('leave');
  const room = await o.createRoom();
  const aAuth = await o.tokenAuth(room.id, 'a');
  const a = await joined(o, room.id, {}, aAuth);
  const b = await joined(o, room.id, { identity: 'b' });
  assertError(await as(aAuth, 'POST', `/v1/participants/${b.id}/leave`), 403, 'forbidden');
  assertError(await o.req('POST', `/v1/participants/${a.id}/leave`, { now: true }), 400, 'unknown_field');
  const r = await as(aAuth, 'POST', `/v1/participants/${a.id}/leave`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'left');
  assert.ok(r.body.left_at);
  const ev = (await events(o, `participant_id=${a.id}&type=participant.left`))[0];
  assert.equal(ev.data.reason, 'left');
  const twice = await as(aAuth, 'POST', `/v1/participants/${a.id}/leave`);
  assertError(twice, 409, 'participant_gone');
  assert.equal(twice.body.error.message, 'the participant already left');
  assertError(await o.req('POST', `/v1/participants/${a.id}/heartbeat`), 409, 'participant_gone');
  // Joining again after leaving is a new participant in the same session.
  const again = await joined(o, room.id, {}, aAuth);
  assert.notEqual(again.id, a.id);
  assert.equal(again.session_id, a.session_id);
  assert.equal((await o.ok('GET', `/v1/sessions/${a.session_id}`)).participant_count, 2);
});

test('move: to another room of the org, with move_members, never to another org', async () => {
  const o = await vox.newOrg('move');
  const a = await o.createRoom();
  const b = await o.createRoom({ max_participants: 1 });
  const c = await o.createRoom();
  const modAuth = await o.tokenAuth(a.id, 'mod', { role: 'moderator' });
  await joined(o, a.id, {}, modAuth);
  const partAuth = await o.tokenAuth(a.id, 'part');
  const part = await joined(o, a.id, { name: 'Part' }, partAuth);
  const p2 = await joined(o, a.id, { identity: 'p2', role: 'moderator' });

  const foreign = await vox.newOrg('move-foreign');
  const theirs = await foreign.createRoom();
  assertError(await o.req('POST', `/v1/participants/${part.id}/move`, { room_id: theirs.id }), 404, 'not_found');
  assertError(await o.req('POST', `/v1/participants/${part.id}/move`, { room_id: a.id }), 400, 'invalid_value', 'room_id');
  assertError(await o.req('POST', `/v1/participants/${part.id}/move`, {}), 400, 'missing_field', 'room_id');
  assertError(await o.req('POST', `/v1/participants/${part.id}/move`, { room_id: 'x' }), 400, 'invalid_uuid', 'room_id');
  // A participant lacks move_members; a moderator cannot move a moderator.
  assertError(await as(partAuth, 'POST', `/v1/participants/${p2.id}/move`, { room_id: b.id }), 403, 'forbidden');
  assertError(await as(modAuth, 'POST', `/v1/participants/${p2.id}/move`, { room_id: b.id }), 403, 'forbidden');

  const r = await as(modAuth, 'POST', `/v1/participants/${part.id}/move`, { room_id: b.id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.room_id, b.id);
  assert.equal(r.body.identity, 'part');
  assert.equal(r.body.name, 'Part');
  assert.equal(r.body.role, 'participant');
  assert.equal(r.body.status, 'connected');
  const old = await o.ok('GET', `/v1/participants/${part.id}`);
  assert.equal(old.status, 'left');
  const moved = (await events(o, `participant_id=${part.id}&type=participant.moved`))[0];
  assert.equal(moved.data.to_room, b.id);
  assert.ok((await eventTypes(o, r.body.id)).includes('participant.joined'));

  // b is now full: moving p2 there is refused and changes nothing.
  assertError(await o.req('POST', `/v1/participants/${p2.id}/move`, { room_id: b.id }), 409, 'room_full');
  assert.equal((await o.ok('GET', `/v1/participants/${p2.id}`)).status, 'connected');
  assert.equal((await list(o, b.id)).length, 1);
  const r2 = await o.req('POST', `/v1/participants/${p2.id}/move`, { room_id: c.id });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.body.role, 'moderator');
  assertError(await o.req('POST', `/v1/participants/${p2.id}/move`, { room_id: b.id }), 409, 'participant_gone');
});

test('list filters, paging and the session route', async () => {
  const o = await vox.newOrg('lists');
  const room = await o.createRoom();
  const ps = [];
  for (let i = 0; i < 5; i++) ps.push(await joined(o, room.id, { identity: `u${i}` }));
  await o.ok('POST', `/v1/participants/${ps[0].id}/leave`);
  await o.ok('POST', `/v1/participants/${ps[1].id}/remove`);

  const all = await o.ok('GET', `/v1/rooms/${room.id}/participants`);
  assert.equal(all.participants.length, 5);
  assert.equal(all.session_id, ps[0].session_id);
  assert.deepEqual(all.participants.map((p) => p.identity), ['u0', 'u1', 'u2', 'u3', 'u4']);
  assert.equal((await list(o, room.id, 'status=present')).length, 3);
  assert.equal((await list(o, room.id, 'status=connected')).length, 3);
  assert.deepEqual((await list(o, room.id, 'status=left')).map((p) => p.identity), ['u0']);
  assert.deepEqual((await list(o, room.id, 'status=removed')).map((p) => p.identity), ['u1']);
  assert.equal((await list(o, room.id, 'status=waiting')).length, 0);
  assert.deepEqual((await list(o, room.id, 'limit=2&offset=1')).map((p) => p.identity), ['u1', 'u2']);
  assert.equal((await list(o, room.id, `session_id=${ps[0].session_id}`)).length, 5);
  assert.equal((await list(o, room.id, 'session_id=00000000-0000-4000-8000-000000000000')).length, 0);
  assertError(await o.req('GET', `/v1/rooms/${room.id}/participants?status=gone`), 400, 'invalid_value', 'status');
  assertError(await o.req('GET', `/v1/rooms/${room.id}/participants?session_id=nope`), 400, 'invalid_uuid', 'session_id');
  assertError(await o.req('GET', `/v1/rooms/${room.id}/participants?limit=0`), 400, 'out_of_range', 'limit');

  const s = await o.ok('GET', `/v1/sessions/${ps[0].session_id}/participants?status=present`);
  assert.equal(s.participants.length, 3);
  assertError(await o.req('GET', `/v1/sessions/${ps[0].session_id}/participants?status=x`), 400, 'invalid_value', 'status');
  assertError(await o.req('GET', '/v1/sessions/00000000-0000-4000-8000-000000000000/participants'), 404, 'not_found');

  const empty = await o.createRoom();
  const none = await o.ok('GET', `/v1/rooms/${empty.id}/participants`);
  assert.deepEqual(none.participants, []);
  assert.equal(none.session_id, null);

  // A token reads its own room only.
  const t = await o.tokenAuth(room.id, 'u2');
  assert.equal((await as(t, 'GET', `/v1/rooms/${room.id}/participants`)).status, 200);
  assert.equal((await as(t, 'GET', `/v1/participants/${ps[3].id}`)).status, 200);
  assertError(await as(t, 'GET', `/v1/rooms/${empty.id}/participants`), 403, 'wrong_room');
});

test('another org gets 404 on every participant route and nothing changes', async () => {
  const o = await vox.newOrg('owner');
  const room = await o.createRoom({ waiting_room: true });
  const p = await joined(o, room.id, { identity: 'x', role: 'host' });
  const w = await joined(o, room.id, { identity: 'w' });
  const them = await vox.newOrg('intruder');
  const theirRoom = await them.createRoom();
  const id = p.id;
  const calls = [
    ['GET', `/v1/participants/${id}`],
    ['PATCH', `/v1/participants/${id}`, { audio: false }],
    ['POST', `/v1/participants/${id}/leave`],
    ['POST', `/v1/participants/${id}/remove`],
    ['POST', `/v1/participants/${w.id}/admit`],
    ['POST', `/v1/participants/${w.id}/deny`],
    ['POST', `/v1/participants/${id}/move`, { room_id: theirRoom.id }],
    ['POST', `/v1/participants/${id}/heartbeat`],
    ['GET', `/v1/rooms/${room.id}/participants`],
    ['POST', `/v1/rooms/${room.id}/participants`, { identity: 'spy' }],
    ['GET', `/v1/sessions/${p.session_id}/participants`],
  ];
  for (const [method, path, body] of calls) {
    assertError(await them.req(method, path, body), 404, 'not_found');
  }
  // Malformed ids answer 400 before anything else.
  assertError(await o.req('GET', '/v1/participants/nope'), 400, 'invalid_uuid', 'participant_id');
  assertError(await o.req('POST', '/v1/participants/nope/leave'), 400, 'invalid_uuid', 'participant_id');
  const after = await list(o, room.id);
  assert.deepEqual(after.map((x) => [x.identity, x.status]).sort(), [['w', 'waiting'], ['x', 'connected']]);
});

test('heartbeat keeps a participant and restart keeps participants', async () => {
  const o = await vox.newOrg('restart');
  const room = await o.createRoom();
  const a = await joined(o, room.id, { identity: 'a', media: { audio: true } });
  await sleep(5);
  const hb = await o.ok('POST', `/v1/participants/${a.id}/heartbeat`);
  assert.ok(Date.parse(hb.last_seen) >= Date.parse(a.last_seen));
  await vox.restart();
  const again = await o.ok('GET', `/v1/participants/${a.id}`);
  assert.equal(again.status, 'connected');
  assert.equal(again.media.audio, true);
  assert.equal((await join(o, room.id, { identity: 'a' })).status, 200);
});

test('presence: idle participants go reconnecting, then left; a heartbeat restores', async () => {
  const v = await new Voxd(['--presence-timeout', '1']).start();
  try {
    const o = await v.newOrg('presence');
    const room = await o.ok('POST', '/v1/rooms', { name: 'p', type: 'voice' });
    const jr = (body) => v.req('POST', `/v1/rooms/${room.id}/participants`, { auth: o.auth, body });
    const a = (await jr({ identity: 'a' })).body;
    const b = (await jr({ identity: 'b' })).body;
    const get = async (id) => (await o.ok('GET', `/v1/participants/${id}`)).status;
    const until = async (id, want, ms) => {
      const deadline = Date.now() + ms;
      let s;
      while ((s = await get(id)) !== want && Date.now() < deadline) await sleep(100);
      return s;
    };
    assert.equal(await until(a.id, 'reconnecting', 5000), 'reconnecting');
    const hb = await o.ok('POST', `/v1/participants/${a.id}/heartbeat`);
    assert.equal(hb.status, 'connected');
    assert.equal(await until(b.id, 'left', 8000), 'left');
    const evs = (await o.ok('GET', `/v1/events?participant_id=${b.id}&limit=100`)).events;
    const types = evs.map((e) => e.type);
    assert.ok(types.includes('connection.lost'));
    assert.equal(evs.find((e) => e.type === 'participant.left').data.reason, 'timeout');
    const aTypes = (await o.ok('GET', `/v1/events?participant_id=${a.id}&limit=100`)).events.map((e) => e.type);
    assert.ok(aTypes.includes('connection.restored'));
  } finally {
    await v.destroy();
  }
});
