// SPDX-License-Identifier: MIT
// The event log API: shape, every filter, time bounds, cursor paging, bad parameters, the
// room/session shortcuts and cross-org isolation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from './lib.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const NOBODY = '00000000-0000-4000-8000-000000000000';

async function events(o, query = '') {
  return (await o.ok('GET', `/v1/events${query}`)).events;
}

// Joins one participant through the participants API; null when that API is not there yet.
async function join(o, roomId, identity) {
  const r = await o.req('POST', `/v1/rooms/${roomId}/participants`, { identity, name: identity });
  if (r.status === 404 && r.body?.error?.code === 'not_found' && /no route/.test(r.body.error.message)) return null;
  if (r.status === 501) return null;
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('room events are listed oldest first with their full shape', async () => {
  const o = await vox.newOrg('shape');
  const room = await o.createRoom({ name: 'lobby', type: 'voice' });
  await o.ok('PATCH', `/v1/rooms/${room.id}`, { bitrate: 32000 });
  const gone = await o.createRoom({ name: 'gone', type: 'stage' });
  await o.ok('DELETE', `/v1/rooms/${gone.id}`);

  const r = await o.ok('GET', '/v1/events');
  assert.deepEqual(r.events.map((e) => e.type), ['room.created', 'room.updated', 'room.created', 'room.deleted']);
  const [created, updated, , deleted] = r.events;
  assert.match(created.id, /^[0-9a-f-]{36}$/);
  assert.equal(created.room_id, room.id);
  assert.equal(created.session_id, null);
  assert.equal(created.participant_id, null);
  assert.deepEqual(created.data, { name: 'lobby', type: 'voice' });
  assert.deepEqual(updated.data, { bitrate: 32000 });
  assert.deepEqual(deleted.data, {});
  assert.equal(deleted.room_id, gone.id);
  assert.match(created.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  for (let i = 1; i < r.events.length; i++) assert.ok(r.events[i].seq > r.events[i - 1].seq);
  assert.equal(r.next_after, r.events.at(-1).seq);
  assert.equal(r.limit, 50);
  assert.equal(r.offset, 0);

  assertError(await vox.req('GET', '/v1/events'), 401, 'unauthorized');
});

test('filters: room_id, type exact and prefix, session_id, participant_id, limit/offset', async () => {
  const o = await vox.newOrg('filters');
  const a = await o.createRoom({ name: 'a' });
  const b = await o.createRoom({ name: 'b' });
  await o.ok('PATCH', `/v1/rooms/${a.id}`, { name: 'a2' });
  await o.ok('PATCH', `/v1/rooms/${b.id}`, { name: 'b2' });
  await o.ok('PATCH', `/v1/rooms/${a.id}`, { name: 'a3' });

  const ofA = await events(o, `?room_id=${a.id}`);
  assert.deepEqual(ofA.map((e) => e.type), ['room.created', 'room.updated', 'room.updated']);
  assert.ok(ofA.every((e) => e.room_id === a.id));
  assert.deepEqual((await events(o, `?room_id=${a.id}`)).map((e) => e.data.name), ['a', 'a2', 'a3']);

  const updates = await events(o, '?type=room.updated');
  assert.deepEqual(updates.map((e) => e.data.name), ['a2', 'b2', 'a3']);
  assert.equal((await events(o, '?type=room.created')).length, 2);
  assert.equal((await events(o, '?type=room.*')).length, 5);
  assert.equal((await events(o, '?type=room.up*')).length, 3);
  assert.equal((await events(o, '?type=participant.*')).length, 0);
  assert.equal((await events(o, '?type=room')).length, 0, 'exact match does not match a prefix');
  assert.deepEqual((await events(o, `?room_id=${b.id}&type=room.updated`)).map((e) => e.data.name), ['b2']);

  assert.deepEqual(await events(o, `?session_id=${NOBODY}`), []);
  assert.deepEqual(await events(o, `?participant_id=${NOBODY}`), []);
  assert.deepEqual(await events(o, `?room_id=${NOBODY}`), []);

  const page = await o.ok('GET', '/v1/events?limit=2&offset=1');
  assert.deepEqual(page.events.map((e) => e.data.name), ['b', 'a2']);
  assert.equal(page.limit, 2);
  assert.equal(page.offset, 1);
  assert.equal(page.next_after, page.events[1].seq);
  const none = await o.ok('GET', '/v1/events?offset=5');
  assert.deepEqual(none.events, []);
  assert.equal(none.next_after, null);
});

test('since and until bound created_at, as RFC 3339 or milliseconds, inclusive', async () => {
  const o = await vox.newOrg('time');
  const rooms = [];
  for (let i = 0; i < 4; i++) {
    rooms.push(await o.createRoom({ name: `t${i}` }));
    await sleep(15);
  }
  const all = await events(o);
  assert.equal(all.length, 4);
  const ms = all.map((e) => Date.parse(e.created_at));
  for (let i = 1; i < ms.length; i++) assert.ok(ms[i] > ms[i - 1], 'events are apart in time');

  const names = (list) => list.map((e) => e.data.name);
  assert.deepEqual(names(await events(o, `?since=${all[1].created_at}`)), ['t1', 't2', 't3']);
  assert.deepEqual(names(await events(o, `?since=${ms[1]}`)), ['t1', 't2', 't3']);
  assert.deepEqual(names(await events(o, `?until=${all[2].created_at}`)), ['t0', 't1', 't2']);
  assert.deepEqual(names(await events(o, `?since=${ms[1]}&until=${ms[2]}`)), ['t1', 't2']);
  assert.deepEqual(names(await events(o, `?since=${ms[1] + 1}&until=${ms[2] - 1}`)), []);
  assert.deepEqual(names(await events(o, `?since=${ms[3]}&until=${ms[3]}`)), ['t3']);
  const noMs = new Date(ms[3] + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  assert.deepEqual(await events(o, `?since=${noMs}`), []);
  assert.deepEqual(names(await events(o, '?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00.5Z')), ['t0', 't1', 't2', 't3']);
  assert.deepEqual(names(await events(o, `?since=${all[1].created_at}&type=room.created&room_id=${rooms[2].id}`)), ['t2']);
});

test('the after cursor pages forward without gaps or repeats', async () => {
  const o = await vox.newOrg('cursor');
  const room = await o.createRoom({ name: 'c0' });
  for (let i = 1; i <= 10; i++) await o.ok('PATCH', `/v1/rooms/${room.id}`, { position: i });
  const all = await events(o, '?limit=500');
  assert.equal(all.length, 11);

  const seen = [];
  let after = 0;
  let pages = 0;
  for (; pages < 20; pages++) {
    const r = await o.ok('GET', `/v1/events?limit=4&after=${after}`);
    if (r.events.length === 0) {
      assert.equal(r.next_after, null);
      break;
    }
    assert.ok(r.events.length <= 4);
    assert.equal(r.next_after, r.events.at(-1).seq);
    seen.push(...r.events);
    after = r.next_after;
  }
  assert.equal(pages, 3, 'three pages of 4, 4 and 3, then an empty one');
  assert.deepEqual(seen.map((e) => e.id), all.map((e) => e.id));

  // A poller sees only what was appended after its cursor.
  await o.ok('PATCH', `/v1/rooms/${room.id}`, { position: 99 });
  const fresh = await o.ok('GET', `/v1/events?after=${after}`);
  assert.equal(fresh.events.length, 1);
  assert.deepEqual(fresh.events[0].data, { position: 99 });

  // The cursor combines with the other filters and with the room shortcut.
  const mid = all[5].seq;
  const rest = await o.ok('GET', `/v1/rooms/${room.id}/events?after=${mid}&type=room.updated&limit=3`);
  assert.deepEqual(rest.events.map((e) => e.seq), all.slice(6, 9).map((e) => e.seq));
  assert.deepEqual(await events(o, '?after=0&limit=1'), all.slice(0, 1));
});

test('bad query parameters answer 400 naming the field', async () => {
  const o = await vox.newOrg('bad');
  const cases = [
    ['room_id=nope', 'invalid_uuid', 'room_id'],
    ['session_id=123', 'invalid_uuid', 'session_id'],
    [`participant_id=${NOBODY}x`, 'invalid_uuid', 'participant_id'],
    ['type=Room.Created', 'invalid_value', 'type'],
    ['type=*', 'invalid_value', 'type'],
    ['type=room.*.x', 'invalid_value', 'type'],
    ['type=', 'invalid_value', 'type'],
    [`type=${'a'.repeat(64)}`, 'invalid_value', 'type'],
    ['since=yesterday', 'invalid_value', 'since'],
    ['since=2026-01-01T00:00:00+02:00', 'invalid_value', 'since'],
    ['since=-5', 'invalid_value', 'since'],
    ['until=2026-01-01', 'invalid_value', 'until'],
    ['until=', 'invalid_value', 'until'],
    ['since=2000&until=1000', 'invalid_value', 'until'],
    ['after=-1', 'invalid_value', 'after'],
    ['after=abc', 'invalid_value', 'after'],
    ['after=1.5', 'invalid_value', 'after'],
    ['after=99999999999999999999999', 'invalid_value', 'after'],
    ['limit=0', 'out_of_range', 'limit'],
    ['limit=501', 'out_of_range', 'limit'],
    ['offset=-1', 'out_of_range', 'offset'],
  ];
  for (const [q, code, field] of cases) {
    assertError(await o.req('GET', `/v1/events?${q}`), 400, code, field);
  }
  const room = await o.createRoom();
  assertError(await o.req('GET', `/v1/rooms/${room.id}/events?since=x`), 400, 'invalid_value', 'since');
  assertError(await o.req('GET', '/v1/rooms/nope/events'), 400, 'invalid_uuid', 'room_id');
  assertError(await o.req('GET', '/v1/sessions/nope/events'), 400, 'invalid_uuid', 'session_id');
  assert.equal((await o.ok('GET', '/v1/events?limit=500&after=0&since=0')).events.length, 1);
});

test('room shortcut lists one room; unknown and deleted rooms and unknown sessions are 404', async () => {
  const o = await vox.newOrg('shortcut');
  const a = await o.createRoom({ name: 'sa' });
  const b = await o.createRoom({ name: 'sb' });
  await o.ok('PATCH', `/v1/rooms/${a.id}`, { bitrate: 24000 });
  const r = await o.ok('GET', `/v1/rooms/${a.id}/events`);
  assert.deepEqual(r.events.map((e) => e.type), ['room.created', 'room.updated']);
  assert.equal(r.next_after, r.events[1].seq);
  assert.deepEqual((await o.ok('GET', `/v1/rooms/${a.id}/events?type=room.updated`)).events.length, 1);
  // The path wins over a room_id in the query.
  assert.equal((await o.ok('GET', `/v1/rooms/${a.id}/events?room_id=${b.id}`)).events.length, 2);

  await o.ok('DELETE', `/v1/rooms/${b.id}`);
  assertError(await o.req('GET', `/v1/rooms/${b.id}/events`), 404, 'not_found');
  assert.deepEqual((await events(o, `?room_id=${b.id}`)).map((e) => e.type), ['room.created', 'room.deleted'],
    'the log outlives the room');
  assertError(await o.req('GET', `/v1/rooms/${NOBODY}/events`), 404, 'not_found');
  assertError(await o.req('GET', `/v1/sessions/${NOBODY}/events`), 404, 'not_found');
});

test('orgs never see each other\'s events', async () => {
  const a = await vox.newOrg('iso-a');
  const b = await vox.newOrg('iso-b');
  const ra = await a.createRoom({ name: 'secret' });
  await a.ok('PATCH', `/v1/rooms/${ra.id}`, { bitrate: 20000 });
  assert.equal((await events(a)).length, 2);

  assert.deepEqual(await events(b), []);
  assert.deepEqual(await events(b, `?room_id=${ra.id}`), []);
  assert.deepEqual(await events(b, '?type=room.*&after=0&limit=500'), []);
  assertError(await b.req('GET', `/v1/rooms/${ra.id}/events`), 404, 'not_found');

  const rb = await b.createRoom({ name: 'secret' });
  const mine = await events(b);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].room_id, rb.id);
  assertError(await a.req('GET', `/v1/rooms/${rb.id}/events`), 404, 'not_found');
  // A cursor taken from another org's seq space still shows only the caller's own events.
  assert.deepEqual((await events(b, `?after=${mine[0].seq - 1}`)).map((e) => e.id), [mine[0].id]);

  const p = await join(a, ra.id, 'alice');
  if (p) {
    assertError(await b.req('GET', `/v1/sessions/${p.session_id}/events`), 404, 'not_found');
    assert.deepEqual(await events(b, `?session_id=${p.session_id}`), []);
    assert.deepEqual(await events(b, `?participant_id=${p.id}`), []);
  }
});

test('session events: session_id filter and the session shortcut', async () => {
  const o = await vox.newOrg('sessions');
  const room = await o.createRoom({ name: 'meet', type: 'video' });
  const other = await o.createRoom({ name: 'other', type: 'voice' });
  const s = await o.ok('POST', `/v1/rooms/${room.id}/sessions`, {});
  await o.ok('POST', `/v1/sessions/${s.id}/start`);
  const s2 = await o.ok('POST', `/v1/rooms/${other.id}/sessions`, {});
  await o.ok('POST', `/v1/sessions/${s.id}/end`);

  const ofS = await events(o, `?session_id=${s.id}`);
  assert.deepEqual(ofS.map((e) => e.type), ['session.created', 'session.started', 'session.ended']);
  assert.ok(ofS.every((e) => e.session_id === s.id && e.room_id === room.id && e.participant_id === null));
  const route = await o.ok('GET', `/v1/sessions/${s.id}/events`);
  assert.deepEqual(route.events, ofS);
  assert.equal(route.next_after, ofS.at(-1).seq);
  assert.deepEqual((await o.ok('GET', `/v1/sessions/${s.id}/events?type=session.ended`)).events.map((e) => e.type),
    ['session.ended']);
  assert.deepEqual((await o.ok('GET', `/v1/sessions/${s.id}/events?after=${ofS[0].seq}&limit=1`)).events,
    [ofS[1]]);
  assert.deepEqual((await events(o, `?session_id=${s2.id}`)).map((e) => e.type), ['session.created']);
  assert.equal((await events(o, '?type=session.*')).length, 4);
  assert.deepEqual((await events(o, `?room_id=${room.id}&type=session.*`)).map((e) => e.session_id),
    [s.id, s.id, s.id]);
  // Filters that cannot both hold give nothing.
  assert.deepEqual(await events(o, `?session_id=${s.id}&room_id=${other.id}`), []);
  // Another org cannot read the session's events by either path.
  const b = await vox.newOrg('sessions-b');
  assertError(await b.req('GET', `/v1/sessions/${s.id}/events`), 404, 'not_found');
  assert.deepEqual(await events(b, `?session_id=${s.id}`), []);
});

test('session and participant filters on participant events', async (t) => {
  const o = await vox.newOrg('people');
  const room = await o.createRoom({ name: 'talk', type: 'voice' });
  const alice = await join(o, room.id, 'alice');
  if (!alice) {
    t.skip('participants API not available');
    return;
  }
  const bob = await join(o, room.id, 'bob');
  assert.equal(bob.session_id, alice.session_id);
  await o.ok('POST', `/v1/participants/${alice.id}/leave`);

  const ofAlice = await events(o, `?participant_id=${alice.id}`);
  assert.ok(ofAlice.length >= 2, JSON.stringify(ofAlice));
  assert.ok(ofAlice.every((e) => e.participant_id === alice.id));
  assert.ok(ofAlice.some((e) => e.type === 'participant.joined'));
  assert.ok(ofAlice.some((e) => e.type === 'participant.left'));
  assert.deepEqual((await events(o, `?participant_id=${bob.id}&type=participant.left`)), []);

  const joined = await events(o, '?type=participant.joined');
  assert.deepEqual(joined.map((e) => e.participant_id), [alice.id, bob.id]);
  assert.ok(joined.every((e) => e.session_id === alice.session_id && e.room_id === room.id));
  const people = await events(o, '?type=participant.*');
  assert.ok(people.length >= 3);
  assert.ok(people.every((e) => e.type.startsWith('participant.')));

  const viaFilter = await events(o, `?session_id=${alice.session_id}&limit=500`);
  const viaRoute = await o.ok('GET', `/v1/sessions/${alice.session_id}/events?limit=500`);
  assert.deepEqual(viaRoute.events, viaFilter);
  assert.ok(viaFilter.every((e) => e.session_id === alice.session_id));
  assert.ok(viaFilter.length >= 3);
  const bobInSession = await o.ok('GET', `/v1/sessions/${alice.session_id}/events?participant_id=${bob.id}`);
  assert.ok(bobInSession.events.length >= 1);
  assert.ok(bobInSession.events.every((e) => e.participant_id === bob.id));
  // Room events include the session's events and the room's own.
  const inRoom = await events(o, `?room_id=${room.id}&limit=500`);
  assert.equal(inRoom[0].type, 'room.created');
  assert.ok(inRoom.length > viaFilter.length);
});
