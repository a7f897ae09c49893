// SPDX-License-Identifier: MIT
// Analytics over a dataset built through the real API (rooms of several types, joins, leaves,
// ended/cancelled/live sessions): exact counts, averages against the sessions' own durations,
// time bounds, top-participant order, day windows, bad parameters and cross-org isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NOBODY = '00000000-0000-4000-8000-000000000000';
const HOUR = 3600;

async function hasParticipantsApi(o) {
  const r = await o.req('POST', `/v1/rooms/${NOBODY}/participants`, { identity: 'x', name: 'x' });
  return !(r.status === 501 || (r.status === 404 && /no route/.test(r.body?.error?.message ?? '')));
}

async function join(o, roomId, identity) {
  const p = await o.ok('POST', `/v1/rooms/${roomId}/participants`, { identity, name: identity }, 201);
  assert.ok(p.id && p.session_id, JSON.stringify(p));
  return p;
}
const leave = (o, p) => o.ok('POST', `/v1/participants/${p.id}/leave`);
const endSession = (o, id) => o.ok('POST', `/v1/sessions/${id}/end`);
const getSession = (o, id) => o.ok('GET', `/v1/sessions/${id}`);
const summary = (o, q = '') => o.ok('GET', `/v1/analytics/summary${q}`);

// Org A's dataset; see build() for the timeline. Filled once, read by several tests.
let A = null;

async function build() {
  const o = await vox.newOrg('analytics-a');
  const rooms = {
    alpha: await o.createRoom({ name: 'alpha', type: 'voice', persistent: true, empty_timeout: HOUR }),
    bravo: await o.createRoom({ name: 'bravo', type: 'voice' }),
    charlie: await o.createRoom({ name: 'charlie', type: 'stage', persistent: true, empty_timeout: HOUR }),
    delta: await o.createRoom({ name: 'delta', type: 'video' }),
    echo: await o.createRoom({ name: 'echo', type: 'broadcast' }),
  };
  // charlie: eve joins first and stays; its session stays live to the end.
  const eve = await join(o, rooms.charlie.id, 'eve');
  const eveJoinedBy = Date.now();
  await sleep(5);
  // alpha, session 1: alice and bob for ~150 ms, both leave, then it is ended.
  const a1 = await join(o, rooms.alpha.id, 'alice');
  const b1 = await join(o, rooms.alpha.id, 'bob');
  await sleep(150);
  await leave(o, b1);
  await leave(o, a1);
  await endSession(o, a1.session_id);
  await sleep(5);
  // alpha, session 2: alice and carol for ~450 ms; ending it makes both leave.
  const a2 = await join(o, rooms.alpha.id, 'alice');
  assert.notEqual(a2.session_id, a1.session_id, 'a persistent room opens a new session');
  const c2 = await join(o, rooms.alpha.id, 'carol');
  await sleep(450);
  await endSession(o, a2.session_id);
  await sleep(5);
  // bravo (one-off): alice for ~100 ms.
  const a3 = await join(o, rooms.bravo.id, 'alice');
  await sleep(100);
  await leave(o, a3);
  await endSession(o, a3.session_id);
  await sleep(5);
  // delta: a scheduled session that is cancelled (no participants, no duration).
  const d = await o.ok('POST', `/v1/rooms/${rooms.delta.id}/sessions`, {});
  await o.ok('POST', `/v1/sessions/${d.id}/cancel`);
  // charlie again: dave joins eve's session and leaves at once.
  const dave = await join(o, rooms.charlie.id, 'dave');
  assert.equal(dave.session_id, eve.session_id);
  await leave(o, dave);

  const sessions = {
    alpha1: await getSession(o, a1.session_id),
    alpha2: await getSession(o, a2.session_id),
    bravo: await getSession(o, a3.session_id),
    charlie: await getSession(o, eve.session_id),
    delta: await getSession(o, d.id),
  };
  assert.equal(sessions.alpha1.state, 'completed');
  assert.equal(sessions.alpha2.state, 'completed');
  assert.equal(sessions.bravo.state, 'completed');
  assert.equal(sessions.charlie.state, 'active');
  assert.equal(sessions.delta.state, 'cancelled');
  assert.ok(sessions.alpha1.duration_ms >= 150);
  assert.ok(sessions.alpha2.duration_ms >= 450);
  assert.ok(sessions.bravo.duration_ms >= 100);
  A = { o, rooms, sessions, eveJoinedBy };
}

const roomAnalytics = (o, q = '') => o.ok('GET', `/v1/analytics/rooms${q}`);

test('summary: exact counts, average and top participants over the whole history', async (t) => {
  const probe = await vox.newOrg('probe');
  if (!(await hasParticipantsApi(probe))) {
    t.skip('participants API not available: the join/leave dataset cannot be built');
    return;
  }
  await build();
  const before = Date.now();
  const s = await summary(A.o);
  const { alpha1, alpha2, bravo } = A.sessions;
  assert.equal(s.total_sessions, 5);
  assert.equal(s.active_sessions, 1);
  assert.equal(s.completed_sessions, 3);
  assert.deepEqual(s.sessions_by_room_type, { voice: 3, video: 1, screen_share: 0, broadcast: 0, stage: 1 });
  assert.equal(s.total_participants, 7);
  assert.equal(s.unique_identities, 5);
  const avg = (alpha1.duration_ms + alpha2.duration_ms + bravo.duration_ms) / 3;
  assert.ok(Math.abs(s.average_duration_ms - avg) <= 1, `${s.average_duration_ms} vs ${avg}`);
  assert.ok(s.average_duration_ms >= (150 + 450 + 100) / 3);
  assert.equal(s.since, null);
  assert.equal(s.until, null);

  const top = s.top_participants;
  assert.deepEqual(top.map((p) => p.identity), ['alice', 'eve', 'carol', 'bob', 'dave']);
  assert.deepEqual(top.map((p) => p.sessions), [3, 1, 1, 1, 1]);
  const [alice, eve, carol, bob, dave] = top;
  assert.ok(alice.total_ms >= 700 && alice.total_ms <= alpha1.duration_ms + alpha2.duration_ms + bravo.duration_ms,
    `alice ${alice.total_ms}`);
  assert.ok(carol.total_ms >= 450 && carol.total_ms <= alpha2.duration_ms, `carol ${carol.total_ms}`);
  assert.ok(bob.total_ms >= 150 && bob.total_ms <= alpha1.duration_ms, `bob ${bob.total_ms}`);
  assert.ok(dave.total_ms >= 0 && dave.total_ms < 150, `dave ${dave.total_ms}`);
  // eve never left: her time runs until the request.
  assert.ok(eve.total_ms >= before - A.eveJoinedBy, `eve ${eve.total_ms}`);
  assert.ok(eve.total_ms <= Date.now() - A.eveJoinedBy + 1000, `eve ${eve.total_ms}`);

  assert.deepEqual((await summary(A.o, '?top=2')).top_participants.map((p) => p.identity), ['alice', 'eve']);
  assert.equal((await summary(A.o, '?top=100')).top_participants.length, 5);
});

test('summary: since and until select sessions by created_at', async (t) => {
  if (!A) return t.skip('dataset not built (participants API not available)');
  const { alpha1, bravo, charlie, delta } = A.sessions;
  const created = Object.values(A.sessions).map((x) => Date.parse(x.created_at)).sort((a, b) => a - b);
  assert.equal(new Set(created).size, 5, 'sessions were created at distinct milliseconds');

  const late = await summary(A.o, `?since=${bravo.created_at}`);
  assert.equal(late.total_sessions, 2, 'bravo and delta');
  assert.equal(late.active_sessions, 0);
  assert.equal(late.completed_sessions, 1);
  assert.deepEqual(late.sessions_by_room_type, { voice: 1, video: 1, screen_share: 0, broadcast: 0, stage: 0 });
  assert.equal(late.total_participants, 1);
  assert.equal(late.unique_identities, 1);
  assert.equal(late.average_duration_ms, bravo.duration_ms);
  assert.deepEqual(late.top_participants.map((p) => [p.identity, p.sessions]), [['alice', 1]]);
  assert.equal(late.since, bravo.created_at);

  const early = await summary(A.o, `?until=${Date.parse(alpha1.created_at)}`);
  assert.equal(early.total_sessions, 2, 'charlie and alpha 1');
  assert.equal(early.active_sessions, 1);
  assert.deepEqual(early.sessions_by_room_type, { voice: 1, video: 0, screen_share: 0, broadcast: 0, stage: 1 });
  assert.equal(early.total_participants, 4, 'eve, dave, alice, bob');
  assert.equal(early.average_duration_ms, alpha1.duration_ms);
  assert.deepEqual(early.top_participants.map((p) => p.identity).sort(), ['alice', 'bob', 'dave', 'eve']);

  const one = await summary(A.o, `?since=${delta.created_at}&until=${delta.created_at}`);
  assert.equal(one.total_sessions, 1);
  assert.equal(one.sessions_by_room_type.video, 1);
  assert.equal(one.completed_sessions, 0);
  assert.equal(one.average_duration_ms, 0);
  assert.deepEqual(one.top_participants, []);

  const none = await summary(A.o, `?since=${Date.now() + 60000}`);
  assert.equal(none.total_sessions, 0);
  assert.equal(none.total_participants, 0);
  assert.deepEqual(none.top_participants, []);
  const old = await summary(A.o, `?until=${Date.parse(charlie.created_at) - 1}`);
  assert.equal(old.total_sessions, 0);
});

test('rooms: per-room totals over the last N days, ordered by sessions', async (t) => {
  if (!A) return t.skip('dataset not built (participants API not available)');
  const { alpha1, alpha2, bravo } = A.sessions;
  const before = Date.now();
  const r = await roomAnalytics(A.o);
  assert.equal(r.days, 7);
  assert.deepEqual(r.rooms.map((x) => x.name), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  const by = Object.fromEntries(r.rooms.map((x) => [x.name, x]));
  assert.deepEqual(by.alpha, {
    room_id: A.rooms.alpha.id, name: 'alpha', type: 'voice', sessions: 2, completed_sessions: 2,
    total_duration_ms: alpha1.duration_ms + alpha2.duration_ms,
    average_duration_ms: Math.round((alpha1.duration_ms + alpha2.duration_ms) / 2),
    peak_participants: 2,
  });
  assert.deepEqual(by.bravo, {
    room_id: A.rooms.bravo.id, name: 'bravo', type: 'voice', sessions: 1, completed_sessions: 1,
    total_duration_ms: bravo.duration_ms, average_duration_ms: bravo.duration_ms, peak_participants: 1,
  });
  assert.equal(by.charlie.type, 'stage');
  assert.equal(by.charlie.sessions, 1);
  assert.equal(by.charlie.completed_sessions, 0);
  assert.equal(by.charlie.average_duration_ms, 0, 'only completed sessions are averaged');
  assert.equal(by.charlie.peak_participants, 2);
  assert.ok(by.charlie.total_duration_ms >= before - A.eveJoinedBy, 'a live session counts its time so far');
  assert.deepEqual([by.delta.sessions, by.delta.total_duration_ms, by.delta.peak_participants], [1, 0, 0]);
  assert.deepEqual([by.echo.sessions, by.echo.total_duration_ms, by.echo.average_duration_ms], [0, 0, 0]);
  assert.ok(Date.parse(r.until) - Date.parse(r.since) > 6 * 86400000);
  assert.match(r.since, /T00:00:00\.000Z$/, 'the window starts at a UTC midnight');

  const page = await roomAnalytics(A.o, '?limit=2&offset=1');
  assert.deepEqual(page.rooms.map((x) => x.name), ['bravo', 'charlie']);
  assert.equal((await roomAnalytics(A.o, '?days=1')).rooms[0].sessions, 2);
  assert.equal((await roomAnalytics(A.o, '?days=365')).rooms.length, 5);
});

test('one room: totals plus a per-day breakdown of the window', async (t) => {
  if (!A) return t.skip('dataset not built (participants API not available)');
  const { alpha1, alpha2 } = A.sessions;
  const r = await A.o.ok('GET', `/v1/analytics/rooms/${A.rooms.alpha.id}?days=7`);
  assert.equal(r.room_id, A.rooms.alpha.id);
  assert.equal(r.sessions, 2);
  assert.equal(r.total_duration_ms, alpha1.duration_ms + alpha2.duration_ms);
  assert.equal(r.peak_participants, 2);
  assert.equal(r.by_day.length, 7);
  const today = r.until.slice(0, 10);
  assert.equal(r.by_day.at(-1).date, today);
  assert.equal(r.by_day[0].date, r.since.slice(0, 10));
  for (let i = 1; i < 7; i++) {
    assert.equal(Date.parse(r.by_day[i].date) - Date.parse(r.by_day[i - 1].date), 86400000);
  }
  assert.deepEqual(r.by_day.at(-1), {
    date: today, sessions: 2, total_duration_ms: alpha1.duration_ms + alpha2.duration_ms, peak_participants: 2,
  });
  assert.ok(r.by_day.slice(0, 6).every((d) => d.sessions === 0 && d.total_duration_ms === 0 && d.peak_participants === 0));

  const d1 = await A.o.ok('GET', `/v1/analytics/rooms/${A.rooms.alpha.id}?days=1`);
  assert.deepEqual(d1.by_day.map((d) => d.sessions), [2]);
  const dflt = await A.o.ok('GET', `/v1/analytics/rooms/${A.rooms.echo.id}`);
  assert.equal(dflt.days, 7);
  assert.equal(dflt.sessions, 0);
  assert.equal(dflt.by_day.length, 7);
  assert.equal((await A.o.ok('GET', `/v1/analytics/rooms/${A.rooms.echo.id}?days=365`)).by_day.length, 365);
});

test('analytics from the session lifecycle alone (no participants)', async () => {
  const o = await vox.newOrg('lifecycle');
  const room = await o.createRoom({ name: 'studio', type: 'broadcast' });
  const other = await o.createRoom({ name: 'side', type: 'screen_share' });
  const s = await o.ok('POST', `/v1/rooms/${room.id}/sessions`, {});
  await o.ok('POST', `/v1/sessions/${s.id}/start`);
  await sleep(120);
  const ended = await endSession(o, s.id);
  assert.ok(ended.duration_ms >= 120);
  const x = await o.ok('POST', `/v1/rooms/${other.id}/sessions`, {});
  await o.ok('POST', `/v1/sessions/${x.id}/cancel`);

  const sum = await summary(o);
  assert.equal(sum.total_sessions, 2);
  assert.equal(sum.active_sessions, 0);
  assert.equal(sum.completed_sessions, 1);
  assert.equal(sum.average_duration_ms, ended.duration_ms);
  assert.deepEqual(sum.sessions_by_room_type, { voice: 0, video: 0, screen_share: 1, broadcast: 1, stage: 0 });
  assert.equal(sum.total_participants, 0);
  assert.equal(sum.unique_identities, 0);
  assert.deepEqual(sum.top_participants, []);

  const r = await roomAnalytics(o);
  assert.deepEqual(r.rooms.map((v) => [v.name, v.sessions, v.total_duration_ms]),
    [['side', 1, 0], ['studio', 1, ended.duration_ms]]);
  const one = await o.ok('GET', `/v1/analytics/rooms/${room.id}?days=3`);
  assert.equal(one.average_duration_ms, ended.duration_ms);
  assert.deepEqual(one.by_day.map((d) => d.sessions), [0, 0, 1]);
});

test('an org with nothing has zeros everywhere', async () => {
  const o = await vox.newOrg('empty');
  const s = await summary(o);
  assert.deepEqual(s, {
    total_sessions: 0, active_sessions: 0, completed_sessions: 0,
    sessions_by_room_type: { voice: 0, video: 0, screen_share: 0, broadcast: 0, stage: 0 },
    total_participants: 0, unique_identities: 0, average_duration_ms: 0, top_participants: [],
    since: null, until: null,
  });
  const r = await roomAnalytics(o);
  assert.deepEqual(r.rooms, []);
  assert.equal(r.limit, 50);
  assert.equal(r.offset, 0);
});

test('bad parameters answer 400 naming the field', async () => {
  const o = await vox.newOrg('bad');
  const room = await o.createRoom();
  const cases = [
    ['/v1/analytics/rooms?days=0', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?days=366', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?days=-1', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?days=abc', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?days=1.5', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?days=', 'out_of_range', 'days'],
    ['/v1/analytics/rooms?limit=0', 'out_of_range', 'limit'],
    ['/v1/analytics/rooms?offset=-2', 'out_of_range', 'offset'],
    [`/v1/analytics/rooms/${room.id}?days=0`, 'out_of_range', 'days'],
    [`/v1/analytics/rooms/${room.id}?days=366`, 'out_of_range', 'days'],
    ['/v1/analytics/rooms/not-a-uuid', 'invalid_uuid', 'room_id'],
    ['/v1/analytics/summary?top=0', 'out_of_range', 'top'],
    ['/v1/analytics/summary?top=101', 'out_of_range', 'top'],
    ['/v1/analytics/summary?since=yesterday', 'invalid_value', 'since'],
    ['/v1/analytics/summary?until=2026-02-30Tx', 'invalid_value', 'until'],
    ['/v1/analytics/summary?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z', 'invalid_value', 'until'],
  ];
  for (const [path, code, field] of cases) assertError(await o.req('GET', path), 400, code, field);
  assertError(await o.req('GET', `/v1/analytics/rooms/${NOBODY}`), 404, 'not_found');
  assert.equal((await o.ok('GET', `/v1/analytics/rooms/${room.id}?days=365`)).by_day.length, 365);
  assert.equal((await o.ok('GET', '/v1/analytics/rooms?days=1')).rooms.length, 1);
  assertError(await vox.req('GET', '/v1/analytics/summary'), 401, 'unauthorized');
  assertError(await vox.req('GET', '/v1/analytics/rooms'), 401, 'unauthorized');
});

test('orgs never see each other\'s analytics', async (t) => {
  const b = await vox.newOrg('analytics-b');
  const bRoom = await b.createRoom({ name: 'alpha', type: 'video' });
  const s = await b.ok('POST', `/v1/rooms/${bRoom.id}/sessions`, {});
  await b.ok('POST', `/v1/sessions/${s.id}/start`);
  if (A) await join(b, bRoom.id, 'alice');

  const sb = await summary(b);
  assert.equal(sb.total_sessions, 1);
  assert.equal(sb.active_sessions, 1);
  assert.deepEqual(sb.sessions_by_room_type, { voice: 0, video: 1, screen_share: 0, broadcast: 0, stage: 0 });
  const rb = await roomAnalytics(b);
  assert.deepEqual(rb.rooms.map((x) => [x.room_id, x.sessions]), [[bRoom.id, 1]]);
  assertError(await b.req('GET', `/v1/analytics/rooms/${bRoom.id}x`), 400, 'invalid_uuid', 'room_id');

  if (!A) return t.skip('org A dataset not built: only org B was checked');
  assert.equal(sb.total_participants, 1);
  assert.deepEqual(sb.top_participants.map((p) => [p.identity, p.sessions]), [['alice', 1]]);
  assertError(await b.req('GET', `/v1/analytics/rooms/${A.rooms.alpha.id}`), 404, 'not_found');
  assertError(await A.o.req('GET', `/v1/analytics/rooms/${bRoom.id}`), 404, 'not_found');
  const sa = await summary(A.o);
  assert.equal(sa.total_sessions, 5);
  assert.equal(sa.total_participants, 7);
  assert.equal(sa.unique_identities, 5);
  assert.equal(sa.top_participants[0].sessions, 3, 'org B\'s alice is not org A\'s alice');
  assert.equal(sa.sessions_by_room_type.video, 1);
  assert.deepEqual((await roomAnalytics(A.o)).rooms.map((x) => x.name), ['alpha', 'bravo', 'charlie', 'delta', 'echo']);
});
