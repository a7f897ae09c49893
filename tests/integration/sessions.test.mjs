// SPDX-License-Identifier: MIT
// Sessions: scheduling, the lifecycle and every invalid transition, ending sweeps participants,
// persistent rooms (auto-open, grace end), one-off rooms, cross-org isolation and restarts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd(['--empty-timeout', '1']).start(); });
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const schedule = (o, roomId, body) => o.req('POST', `/v1/rooms/${roomId}/sessions`, body);
const op = (o, id, name) => o.req('POST', `/v1/sessions/${id}/${name}`);

async function joined(o, roomId, body, auth) {
  const r = await vox.req('POST', `/v1/rooms/${roomId}/participants`, { auth: auth || o.auth, body });
  assert.ok([200, 201].includes(r.status), `join -> ${r.status} ${r.text}`);
  return r.body;
}

async function sessionEvents(o, sessionId) {
  return (await o.ok('GET', `/v1/events?session_id=${sessionId}&limit=500`)).events;
}

// Polls the session until its state is want (bounded).
async function untilState(o, id, want, ms) {
  const deadline = Date.now() + ms;
  let s;
  while ((s = await o.ok('GET', `/v1/sessions/${id}`)).state !== want && Date.now() < deadline) await sleep(100);
  return s;
}

const ALLOWED = {
  scheduled: { prepare: 'ready', start: 'active', cancel: 'cancelled' },
  ready: { start: 'active', cancel: 'cancelled', fail: 'failed' },
  active: { pause: 'paused', end: 'completed', fail: 'failed' },
  paused: { resume: 'active', end: 'completed', fail: 'failed' },
  completed: {},
  failed: {},
  cancelled: {},
};
const OPS = ['prepare', 'start', 'pause', 'resume', 'end', 'cancel', 'fail'];
// Operations that lead from a fresh scheduled session to each state.
const PATH = {
  scheduled: [],
  ready: ['prepare'],
  active: ['start'],
  paused: ['start', 'pause'],
  completed: ['start', 'end'],
  failed: ['start', 'fail'],
  cancelled: ['cancel'],
};

test('schedule: body forms, one live session per room, get and lists', async () => {
  const o = await vox.newOrg('schedule');
  const room = await o.createRoom();
  const r = await schedule(o, room.id, { scheduled_at: '2030-01-02T03:04:05Z' });
  assert.equal(r.status, 201, r.text);
  const s = r.body;
  assert.equal(s.state, 'scheduled');
  assert.equal(s.room_id, room.id);
  assert.equal(s.scheduled_at, '2030-01-02T03:04:05.000Z');
  assert.equal(s.started_at, null);
  assert.equal(s.ended_at, null);
  assert.equal(s.duration_ms, 0);
  assert.equal(s.speaking_ms, 0);
  assert.equal(s.peak_participants, 0);
  assert.equal(s.participant_count, 0);
  assert.equal(s.end_reason, null);
  assert.ok(s.created_at);
  assert.match(r.headers.get('location'), new RegExp(`/v1/sessions/${s.id}$`));
  assert.ok((await sessionEvents(o, s.id)).some((e) => e.type === 'session.created'));

  assertError(await schedule(o, room.id, {}), 409, 'session_exists');
  assertError(await schedule(o, room.id, { scheduled_at: 'tomorrow' }), 400, 'invalid_value', 'scheduled_at');
  assertError(await schedule(o, room.id, { scheduled_at: true }), 400, 'invalid_type', 'scheduled_at');
  assertError(await schedule(o, room.id, { scheduled_at: -5 }), 400, 'out_of_range', 'scheduled_at');
  assertError(await schedule(o, room.id, { when: 1 }), 400, 'unknown_field', 'when');
  assertError(await schedule(o, 'nope', {}), 400, 'invalid_uuid', 'room_id');
  assertError(await schedule(o, '00000000-0000-4000-8000-000000000000', {}), 404, 'not_found');

  const room2 = await o.createRoom();
  const ms = Date.UTC(2031, 0, 1);
  const s2 = (await schedule(o, room2.id, { scheduled_at: ms })).body;
  assert.equal(s2.scheduled_at, '2031-01-01T00:00:00.000Z');
  const room3 = await o.createRoom();
  const s3 = (await schedule(o, room3.id)).body;
  assert.equal(s3.scheduled_at, null);

  assert.deepEqual(await o.ok('GET', `/v1/sessions/${s.id}`), s);
  const all = await o.ok('GET', '/v1/sessions');
  assert.deepEqual(all.sessions.map((x) => x.id), [s3.id, s2.id, s.id]);
  assert.deepEqual((await o.ok('GET', `/v1/sessions?room_id=${room2.id}`)).sessions.map((x) => x.id), [s2.id]);
  assert.deepEqual((await o.ok('GET', `/v1/rooms/${room.id}/sessions`)).sessions.map((x) => x.id), [s.id]);
  assert.equal((await o.ok('GET', '/v1/sessions?limit=1&offset=1')).sessions[0].id, s2.id);
  await op(o, s2.id, 'start');
  assert.deepEqual((await o.ok('GET', '/v1/sessions?state=active')).sessions.map((x) => x.id), [s2.id]);
  assert.equal((await o.ok('GET', '/v1/sessions?state=completed')).sessions.length, 0);
  assertError(await o.req('GET', '/v1/sessions?state=running'), 400, 'invalid_value', 'state');
  assertError(await o.req('GET', '/v1/sessions?room_id=nope'), 400, 'invalid_uuid', 'room_id');
  assertError(await o.req('GET', `/v1/rooms/${room.id}/sessions?state=nope`), 400, 'invalid_value', 'state');
  assertError(await o.req('GET', '/v1/rooms/00000000-0000-4000-8000-000000000000/sessions'), 404, 'not_found');
  assertError(await o.req('GET', '/v1/sessions/nope'), 400, 'invalid_uuid', 'session_id');
  assertError(await o.req('GET', '/v1/sessions/00000000-0000-4000-8000-000000000000'), 404, 'not_found');

  // Once the session is over the room may schedule another.
  await op(o, s.id, 'cancel');
  assert.equal((await schedule(o, room.id, {})).status, 201);
});

test('lifecycle: prepare, start, pause, resume, end record times and events', async () => {
  const o = await vox.newOrg('lifecycle');
  const room = await o.createRoom();
  const s = (await schedule(o, room.id, {})).body;
  let r = await op(o, s.id, 'prepare');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.state, 'ready');
  r = await op(o, s.id, 'start');
  assert.equal(r.body.state, 'active');
  const startedAt = r.body.started_at;
  assert.ok(startedAt);
  await sleep(30);
  r = await op(o, s.id, 'pause');
  assert.equal(r.body.state, 'paused');
  assert.ok(r.body.duration_ms >= 25, 'live duration while paused');
  r = await op(o, s.id, 'resume');
  assert.equal(r.body.state, 'active');
  assert.equal(r.body.started_at, startedAt, 'started_at is the first start');
  const live = await o.ok('GET', `/v1/sessions/${s.id}`);
  assert.ok(live.duration_ms >= 25 && live.ended_at === null);
  r = await op(o, s.id, 'end');
  assert.equal(r.body.state, 'completed');
  assert.equal(r.body.end_reason, 'ended');
  assert.ok(r.body.ended_at);
  assert.equal(r.body.duration_ms, Date.parse(r.body.ended_at) - Date.parse(startedAt));
  const frozen = r.body.duration_ms;
  await sleep(20);
  assert.equal((await o.ok('GET', `/v1/sessions/${s.id}`)).duration_ms, frozen);
  const types = (await sessionEvents(o, s.id)).map((e) => e.type);
  for (const t of ['session.created', 'session.started', 'session.paused', 'session.resumed', 'session.ended'])
    assert.ok(types.includes(t), `${t} in ${types}`);

  const c = (await schedule(o, room.id, {})).body;
  r = await op(o, c.id, 'cancel');
  assert.equal(r.body.state, 'cancelled');
  assert.equal(r.body.end_reason, 'cancelled');
  assert.equal(r.body.duration_ms, 0);
  assert.ok((await sessionEvents(o, c.id)).some((e) => e.type === 'session.cancelled'));
  const f = (await schedule(o, room.id, {})).body;
  await op(o, f.id, 'start');
  r = await op(o, f.id, 'fail');
  assert.equal(r.body.state, 'failed');
  assert.equal(r.body.end_reason, 'failed');
  assert.ok((await sessionEvents(o, f.id)).some((e) => e.type === 'session.failed'));
  assertError(await o.req('POST', `/v1/sessions/${f.id}/end`, { reason: 'x' }), 400, 'unknown_field', 'reason');
  assertError(await o.req('POST', '/v1/sessions/00000000-0000-4000-8000-000000000000/end'), 404, 'not_found');
});

test('every invalid transition answers 409 naming the operation and the state', async () => {
  const o = await vox.newOrg('transitions');
  let refused = 0;
  let allowed = 0;
  for (const [state, path] of Object.entries(PATH)) {
    for (const name of OPS) {
      const room = await o.createRoom();
      const s = (await schedule(o, room.id, {})).body;
      for (const step of path) assert.equal((await op(o, s.id, step)).status, 200);
      assert.equal((await o.ok('GET', `/v1/sessions/${s.id}`)).state, state);
      const r = await op(o, s.id, name);
      const to = ALLOWED[state][name];
      if (to) {
        assert.equal(r.status, 200, `${name} from ${state}: ${r.text}`);
        assert.equal(r.body.state, to);
        allowed++;
      } else {
        assertError(r, 409, 'invalid_transition');
        assert.match(r.body.error.message, new RegExp(`\\b${name}\\b`));
        assert.match(r.body.error.message, new RegExp(`\\b${state}\\b`));
        assert.equal((await o.ok('GET', `/v1/sessions/${s.id}`)).state, state, 'refused op changes nothing');
        refused++;
      }
    }
  }
  assert.equal(allowed, 12);
  assert.equal(refused, 37);
});

test('ending makes everyone leave; a one-off room does not reopen; joins start a scheduled session', async () => {
  const o = await vox.newOrg('ending');
  const room = await o.createRoom({ waiting_room: true });
  const s = (await schedule(o, room.id, {})).body;
  const host = await joined(o, room.id, { identity: 'host', role: 'host' });
  assert.equal(host.session_id, s.id);
  let cur = await o.ok('GET', `/v1/sessions/${s.id}`);
  assert.equal(cur.state, 'active', 'a join starts a scheduled session');
  const a = await joined(o, room.id, { identity: 'a', role: 'co_host' });
  const w = await joined(o, room.id, { identity: 'w' });
  assert.equal(w.status, 'waiting');
  cur = await o.ok('GET', `/v1/sessions/${s.id}`);
  assert.equal(cur.participant_count, 2);
  assert.equal(cur.peak_participants, 2);

  await op(o, s.id, 'pause');
  assert.equal((await joined(o, room.id, { identity: 'late', role: 'host' })).status, 'connected', 'paused sessions take joins');
  const ended = (await op(o, s.id, 'end')).body;
  assert.equal(ended.participant_count, 0);
  assert.equal(ended.peak_participants, 3);
  for (const p of [host, a, w]) {
    const got = await o.ok('GET', `/v1/participants/${p.id}`);
    assert.equal(got.status, 'left');
    assert.ok(got.left_at);
  }
  const left = (await sessionEvents(o, s.id)).filter((e) => e.type === 'participant.left');
  assert.equal(left.length, 4);
  assert.ok(left.every((e) => e.data.reason === 'session_ended'));

  const r = await vox.req('POST', `/v1/rooms/${room.id}/participants`, { auth: o.auth, body: { identity: 'new' } });
  assertError(r, 409, 'session_ended');
  assert.equal((await o.ok('GET', `/v1/rooms/${room.id}/sessions`)).sessions.length, 1);

  // A room with no session gets one created and started by its first join.
  const fresh = await o.createRoom();
  const p = await joined(o, fresh.id, { identity: 'first' });
  const opened = await o.ok('GET', `/v1/sessions/${p.session_id}`);
  assert.equal(opened.state, 'active');
  const types = (await sessionEvents(o, opened.id)).map((e) => e.type);
  assert.deepEqual(types.slice(0, 3), ['session.created', 'session.started', 'participant.joined']);
});

test('persistent room: first join opens a session, the last leave ends it after the grace', async () => {
  const o = await vox.newOrg('persistent');
  const room = await o.createRoom({ persistent: true });
  assert.equal(room.empty_timeout, 1);
  const a = await joined(o, room.id, { identity: 'a' });
  const s1 = await o.ok('GET', `/v1/sessions/${a.session_id}`);
  assert.equal(s1.state, 'active');
  const b = await joined(o, room.id, { identity: 'b' });
  assert.equal(b.session_id, s1.id);
  await o.ok('POST', `/v1/participants/${a.id}/leave`);
  await o.ok('POST', `/v1/participants/${b.id}/leave`);
  const done = await untilState(o, s1.id, 'completed', 6000);
  assert.equal(done.state, 'completed');
  assert.equal(done.end_reason, 'empty');
  assert.equal(done.peak_participants, 2);
  assert.ok((await sessionEvents(o, s1.id)).some((e) => e.type === 'session.ended' && e.data.end_reason === 'empty'));

  // The room reopens with a new session on the next join.
  const c = await joined(o, room.id, { identity: 'c' });
  assert.notEqual(c.session_id, s1.id);
  assert.equal((await o.ok('GET', `/v1/sessions/${c.session_id}`)).state, 'active');

  // A join inside the grace keeps the session alive.
  const slow = await o.createRoom({ persistent: true, empty_timeout: 2 });
  const x = await joined(o, slow.id, { identity: 'x' });
  await o.ok('POST', `/v1/participants/${x.id}/leave`);
  await sleep(500);
  const y = await joined(o, slow.id, { identity: 'y' });
  assert.equal(y.session_id, x.session_id);
  await sleep(3000);
  assert.equal((await o.ok('GET', `/v1/sessions/${x.session_id}`)).state, 'active');
});

test('tokens: read their own room only; lifecycle needs manage_room or the admin grant', async () => {
  const o = await vox.newOrg('session-tokens');
  const room = await o.createRoom();
  const other = await o.createRoom();
  const partAuth = await o.tokenAuth(room.id, 'part');
  const p = await joined(o, room.id, {}, partAuth);
  const got = await vox.req('GET', `/v1/sessions/${p.session_id}`, { auth: partAuth });
  assert.equal(got.status, 200, got.text);
  const otherAuth = await o.tokenAuth(other.id, 'x');
  assertError(await vox.req('GET', `/v1/sessions/${p.session_id}`, { auth: otherAuth }), 403, 'wrong_room');
  assertError(await vox.req('POST', `/v1/sessions/${p.session_id}/end`, { auth: partAuth }), 403, 'forbidden');
  assertError(await vox.req('GET', '/v1/sessions', { auth: partAuth }), 401, 'unauthorized');
  const hostAuth = await o.tokenAuth(room.id, 'host', { role: 'host' });
  await joined(o, room.id, {}, hostAuth);
  const r = await vox.req('POST', `/v1/sessions/${p.session_id}/pause`, { auth: hostAuth });
  assert.equal(r.status, 200, r.text);
  const adminAuth = await o.tokenAuth(room.id, 'ops', { admin: true });
  assert.equal((await vox.req('POST', `/v1/sessions/${p.session_id}/end`, { auth: adminAuth })).status, 200);
});

test('another org gets 404 on every session route and nothing changes', async () => {
  const o = await vox.newOrg('mine');
  const room = await o.createRoom();
  const s = (await schedule(o, room.id, {})).body;
  const them = await vox.newOrg('theirs');
  for (const name of OPS) assertError(await op(them, s.id, name), 404, 'not_found');
  assertError(await them.req('GET', `/v1/sessions/${s.id}`), 404, 'not_found');
  assertError(await them.req('GET', `/v1/rooms/${room.id}/sessions`), 404, 'not_found');
  assertError(await them.req('POST', `/v1/rooms/${room.id}/sessions`, {}), 404, 'not_found');
  assertError(await them.req('GET', `/v1/sessions/${s.id}/participants`), 404, 'not_found');
  assert.equal((await them.ok('GET', '/v1/sessions')).sessions.length, 0);
  assert.equal((await them.ok('GET', `/v1/sessions?room_id=${room.id}`)).sessions.length, 0);
  assert.equal((await o.ok('GET', `/v1/sessions/${s.id}`)).state, 'scheduled');
});

test('restart keeps sessions and their participants', async () => {
  const o = await vox.newOrg('restart');
  const room = await o.createRoom();
  const p = await joined(o, room.id, { identity: 'stay' });
  const done = (await schedule(o, (await o.createRoom()).id, {})).body;
  await op(o, done.id, 'cancel');
  await vox.restart();
  const s = await o.ok('GET', `/v1/sessions/${p.session_id}`);
  assert.equal(s.state, 'active');
  assert.equal(s.participant_count, 1);
  assert.equal((await o.ok('GET', `/v1/sessions/${done.id}`)).state, 'cancelled');
  assert.equal((await o.ok('POST', `/v1/sessions/${s.id}/end`)).state, 'completed');
  assert.equal((await o.ok('GET', `/v1/participants/${p.id}`)).status, 'left');
});
