// SPDX-License-Identifier: MIT
// Removing a participant with `ban: true` keeps its identity out of that session (REST and
// WebSocket, same token or a new one, joins and moves) until the session ends; the ban is
// stored, so it survives a restart. Without `ban` the removed identity may come back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from '../integration/lib.mjs';
import { Client, mintToken, joinAs } from './client.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const joinRest = (o, roomId, body, auth) =>
  vox.req('POST', `/v1/rooms/${roomId}/participants`, { auth: auth || o.auth, body });

function assertBanned(r, what) {
  assertError(r, 403, 'banned');
  assert.match(r.body.error.message, /banned/, what);
}

// A WebSocket join with token that must be refused as banned; the socket stays usable.
async function wsJoinBanned(token, label) {
  const c = await Client.connect(vox, token, label);
  const e = await c.fails('join', {}, 'banned');
  assert.equal(e.error.field, null);
  assert.equal((await c.request('ping')).type, 'pong');
  c.close();
}

test('REST: remove with ban keeps the identity out of the session; without ban it may return', async () => {
  const o = await vox.newOrg('ban-rest');
  const room = await o.createRoom({ type: 'voice' });
  const host = await joinRest(o, room.id, { identity: 'host', role: 'host' });
  assert.equal(host.status, 201);
  const tokAuth = await o.tokenAuth(room.id, 'mallory');
  const m = (await joinRest(o, room.id, {}, tokAuth)).body;
  const k = (await joinRest(o, room.id, { identity: 'kevin' })).body;

  // A plain remove: the same identity may join again (a new participant).
  assert.equal((await o.req('POST', `/v1/participants/${k.id}/remove`, { reason: 'oops' })).status, 200);
  const back = await joinRest(o, room.id, { identity: 'kevin' });
  assert.equal(back.status, 201, back.text);
  assert.notEqual(back.body.id, k.id);

  assertError(await o.req('POST', `/v1/participants/${m.id}/remove`, { ban: 'yes' }), 400, 'invalid_type', 'ban');
  const r = await o.req('POST', `/v1/participants/${m.id}/remove`, { reason: 'spam', ban: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'removed');
  const ev = (await o.ok('GET', `/v1/events?participant_id=${m.id}&type=participant.removed`)).events;
  assert.deepEqual(ev.map((e) => e.data), [{ identity: 'mallory', reason: 'spam', by: 'server', ban: true }]);
  const plain = (await o.ok('GET', `/v1/events?participant_id=${k.id}&type=participant.removed`)).events[0];
  assert.equal(plain.data.ban, false);

  // The same token, a new token for the same identity, and the api key naming it: all 403.
  assertBanned(await joinRest(o, room.id, {}, tokAuth), 'same token');
  assertBanned(await joinRest(o, room.id, {}, await o.tokenAuth(room.id, 'mallory')), 'new token');
  assertBanned(await joinRest(o, room.id, { identity: 'mallory' }), 'api key');
  // Refused joins change nothing: no new participant, no event.
  const present = (await o.ok('GET', `/v1/rooms/${room.id}/participants?status=present`)).participants;
  assert.deepEqual(present.map((p) => p.identity).sort(), ['host', 'kevin']);
  assert.equal((await o.ok('GET', '/v1/events?type=participant.joined')).events.filter((e) => e.data.identity === 'mallory').length, 1);
  // Other identities are not affected.
  assert.equal((await joinRest(o, room.id, { identity: 'mallory2' })).status, 201);
});

test('a move into a session the identity is banned from is refused', async () => {
  const o = await vox.newOrg('ban-move');
  const a = await o.createRoom({ type: 'voice' });
  const b = await o.createRoom({ type: 'voice' });
  await joinRest(o, b.id, { identity: 'keeper' });
  const inB = (await joinRest(o, b.id, { identity: 'eve' })).body;
  assert.equal((await o.req('POST', `/v1/participants/${inB.id}/remove`, { ban: true })).status, 200);
  const inA = (await joinRest(o, a.id, { identity: 'eve' })).body;
  assert.equal(inA.status, 'connected', 'a ban is for one session, not the org');
  assertBanned(await o.req('POST', `/v1/participants/${inA.id}/move`, { room_id: b.id }), 'move');
  assert.equal((await o.ok('GET', `/v1/participants/${inA.id}`)).status, 'connected', 'the refused move changed nothing');
});

test('WebSocket: remove with ban, then the same or a new token cannot join', async () => {
  const o = await vox.newOrg('ban-ws');
  const room = await o.createRoom({ type: 'voice' });
  const host = await joinAs(vox, o, room.id, 'host', { role: 'host' });
  const bob = await joinAs(vox, o, room.id, 'bob');
  const ok = await host.ok('remove', { participant_id: bob.p.id, reason: 'rude', ban: true });
  assert.equal(ok.participant.status, 'removed');
  const told = await bob.next('removed');
  assert.equal(told.ban, true);
  assert.equal(told.reason, 'removed');
  assert.equal((await bob.waitClose()).code, 4003);
  const left = await host.next('participant_left');
  assert.equal(left.participant_id, bob.p.id);

  await wsJoinBanned(bob.token, 'bob-same-token');
  await wsJoinBanned(await mintToken(o, room.id, 'bob'), 'bob-new-token');
  // A plain remove over the socket says ban: false, and the identity may come back.
  const carol = await joinAs(vox, o, room.id, 'carol');
  await host.ok('remove', { participant_id: carol.p.id });
  assert.equal((await carol.next('removed')).ban, false);
  const again = await joinAs(vox, o, room.id, 'carol');
  assert.equal(again.joined.type, 'joined');
  again.close();
  host.close();
});

test('a ban survives a restart and ends with its session', async () => {
  const v = await new Voxd().start();
  try {
    const o = await v.newOrg('ban-restart');
    const room = await o.createRoom({ type: 'voice', persistent: true, empty_timeout: 1 });
    const join = (body) => v.req('POST', `/v1/rooms/${room.id}/participants`, { auth: o.auth, body });
    const host = (await join({ identity: 'host' })).body;
    const t = (await join({ identity: 'troll' })).body;
    assert.equal(t.session_id, host.session_id);
    assert.equal((await o.req('POST', `/v1/participants/${t.id}/remove`, { ban: true })).status, 200);

    await v.restart();
    const r = await join({ identity: 'troll' });
    assertBanned(r, 'after restart');
    // Over a socket too.
    const tok = await mintToken(o, room.id, 'troll');
    const c = await Client.connect(v, tok, 'troll-ws');
    await c.fails('join', {}, 'banned');
    c.close();

    // The session ends (the last one present leaves, the 1 s grace passes); the room's next
    // session has no bans.
    assert.equal((await o.req('POST', `/v1/participants/${host.id}/leave`)).status, 200);
    let s;
    for (let i = 0; i < 40; i++) {
      s = await o.ok('GET', `/v1/sessions/${host.session_id}`);
      if (s.state !== 'active') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(s.state, 'completed', JSON.stringify(s));
    const fresh = await join({ identity: 'troll' });
    assert.equal(fresh.status, 201, fresh.text);
    assert.notEqual(fresh.body.session_id, host.session_id);
  } finally {
    await v.destroy();
  }
});

test('an api key lists and lifts bans; tokens cannot; lifting lets the identity back in', async () => {
  const o = await vox.newOrg('unban');
  const stranger = await vox.newOrg('unban-stranger');
  const room = await o.createRoom({ type: 'voice' });
  const host = await joinAs(vox, o, room.id, 'host', { role: 'host' });
  const dan = await joinAs(vox, o, room.id, 'dan');
  const sid = dan.p.session_id;
  await host.ok('remove', { participant_id: dan.p.id, reason: 'loud', ban: true });
  assert.equal((await dan.waitClose()).code, 4003);

  const list = await o.ok('GET', `/v1/sessions/${sid}/bans`);
  assert.equal(list.bans.length, 1);
  const [b] = list.bans;
  assert.equal(b.identity, 'dan');
  assert.equal(b.by, 'host');
  assert.equal(b.reason, 'loud');
  assert.equal(b.session_id, sid);
  assert.equal(b.room_id, room.id);
  assert.match(b.created_at, /^\d{4}-\d\d-\d\dT/);

  // Tokens, other orgs and bad input are refused, and change nothing.
  const hostAuth = `Bearer ${host.token}`;
  assertError(await vox.req('GET', `/v1/sessions/${sid}/bans`, { auth: hostAuth }), 401, 'unauthorized');
  assertError(await vox.req('POST', `/v1/sessions/${sid}/unban`, { auth: hostAuth, body: { identity: 'dan' } }), 401, 'unauthorized');
  assertError(await stranger.req('GET', `/v1/sessions/${sid}/bans`), 404, 'not_found');
  assertError(await stranger.req('POST', `/v1/sessions/${sid}/unban`, { identity: 'dan' }), 404, 'not_found');
  assertError(await o.req('POST', `/v1/sessions/${sid}/unban`, {}), 400, 'missing_field', 'identity');
  assertError(await o.req('POST', `/v1/sessions/${sid}/unban`, { identity: 'dan', x: 1 }), 400, 'unknown_field', 'x');
  assertError(await o.req('POST', '/v1/sessions/nope/unban', { identity: 'dan' }), 400, 'invalid_uuid', 'session_id');
  assertError(await o.req('POST', `/v1/sessions/${sid}/unban`, { identity: 'nobody' }), 404, 'not_found', 'identity');
  assert.equal((await o.ok('GET', `/v1/sessions/${sid}/bans`)).bans.length, 1);
  await wsJoinBanned(dan.token, 'dan-still-banned');

  const lifted = await o.ok('POST', `/v1/sessions/${sid}/unban`, { identity: 'dan' });
  assert.equal(lifted.identity, 'dan');
  assert.deepEqual((await o.ok('GET', `/v1/sessions/${sid}/bans`)).bans, []);
  const ev = (await o.ok('GET', `/v1/events?type=ban.lifted&session_id=${sid}`)).events;
  assert.deepEqual(ev.map((e) => e.data), [{ identity: 'dan', by: o.keyId }]);
  assertError(await o.req('POST', `/v1/sessions/${sid}/unban`, { identity: 'dan' }), 404, 'not_found', 'identity');

  // The same token joins again.
  const c = await Client.connect(vox, dan.token, 'dan-back');
  const j = await c.ok('join', {}, 'joined');
  assert.equal(j.session.id, sid);
  c.close();
  host.close();
});
