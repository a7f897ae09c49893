// SPDX-License-Identifier: MIT
// /v1/rtc room state over WebSockets (docs/PROTOCOL.md): join, state fan-out, moderator
// actions and permissions, the waiting room, the stage flow, and REST-originated changes
// reaching the sockets.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd } from '../integration/lib.mjs';
import { Client, joinAs as join0, mintToken } from './client.mjs';

let vox;
let open = [];
before(async () => { vox = await new Voxd().start(); });
afterEach(() => { for (const c of open) c.close(); open = []; });
after(async () => { await vox.destroy(); });

async function joinAs(...args) {
  const c = await join0(vox, ...args);
  open.push(c);
  return c;
}

const isP = (id) => (m) => m.participant?.id === id;

test('join answers joined with room, session, participant, participants and ice_servers', async () => {
  const o = await vox.newOrg('ws-join');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice', {}, { name: 'Alice', device: 'laptop' });
  const j = a.joined;
  assert.equal(j.type, 'joined');
  assert.ok(j.id, 'joined carries the request id');
  assert.equal(j.room.id, room.id);
  assert.equal(typeof j.session.id, 'string');
  assert.equal(j.participant.identity, 'alice');
  assert.equal(j.participant.room_id, room.id);
  assert.equal(j.participant.session_id, j.session.id);
  assert.equal(j.participant.status, 'connected');
  assert.ok(Array.isArray(j.participant.permissions), 'own participant has permissions');
  assert.deepEqual(j.participants, []);
  assert.ok(Array.isArray(j.ice_servers), 'ice_servers is an array');

  const b = await joinAs(o, room.id, 'bob');
  assert.deepEqual(b.joined.participants.map((p) => p.id), [a.p.id], 'bob sees alice');
  assert.equal(b.joined.session.id, j.session.id, 'same session');
  const pj = await a.next('participant_joined', isP(b.p.id));
  assert.equal(pj.participant.identity, 'bob');
  assert.equal(pj.id, undefined, 'server-initiated messages carry no id');
  await b.fails('join', {}, 'already_joined');

  // The socket participant is the REST participant.
  const rest = await o.ok('GET', `/v1/participants/${a.p.id}`);
  assert.equal(rest.identity, 'alice');
  assert.equal(rest.name, 'Alice');
  assert.equal(rest.device, 'laptop');
});

test('hidden participants are not listed to others', async () => {
  const o = await vox.newOrg('ws-hidden');
  const room = await o.createRoom({ type: 'voice' });
  const h = await joinAs(o, room.id, 'ghost', { hidden: true });
  const b = await joinAs(o, room.id, 'bob');
  assert.ok(!b.joined.participants.some((p) => p.id === h.p.id), 'hidden one excluded from participants');
});

test('a state change fans out: A turns audio on, B gets participant_updated', async () => {
  const o = await vox.newOrg('ws-fanout');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  await a.next('participant_joined', isP(b.p.id));

  const ans = await a.ok('update_state', { audio: true }, 'state_updated');
  assert.equal(ans.participant.id, a.p.id);
  assert.equal(ans.participant.media.audio, true);
  const up = await b.next('participant_updated', isP(a.p.id));
  assert.equal(up.participant.media.audio, true);
  assert.ok(up.changes.includes('participant.audio_enabled'), JSON.stringify(up.changes));

  await a.ok('update_state', { hand_raised: true, volume: 150 }, 'state_updated');
  const up2 = await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.participant.media.hand_raised);
  assert.ok(up2.changes.length > 0);
  assert.equal((await o.ok('GET', `/v1/participants/${a.p.id}`)).media.hand_raised, true);

  // Validation is the REST route's.
  await a.fails('update_state', { volume: 201 }, 'out_of_range');
  await a.fails('update_state', { audio: 'yes' }, 'invalid_type');
  await a.fails('update_state', { colour: 'red' }, 'unknown_field');
});

test('moderator mutes; a viewer trying to mute gets forbidden with its request id', async () => {
  const o = await vox.newOrg('ws-mod');
  const room = await o.createRoom({ type: 'voice' });
  const mod = await joinAs(o, room.id, 'mod', { role: 'moderator' });
  const b = await joinAs(o, room.id, 'bob');
  const v = await joinAs(o, room.id, 'vic', { role: 'viewer' });
  await b.ok('update_state', { audio: true }, 'state_updated');

  const id = 'viewer-mute-1';
  v.send({ type: 'mute', id, participant_id: b.p.id });
  const err = await v.next('error', (m) => m.id === id);
  assert.equal(err.error.code, 'forbidden');
  assert.equal(typeof err.error.message, 'string');
  assert.equal((await o.ok('GET', `/v1/participants/${b.p.id}`)).media.server_mute, false);

  const muted = await mod.ok('mute', { participant_id: b.p.id });
  assert.equal(muted.participant.media.audio, false, 'the mute takes the audio with it');
  const up = await b.next('participant_updated', (m) => isP(b.p.id)(m) && m.participant.media.server_mute);
  assert.equal(up.participant.media.server_mute, true);
  assert.equal(up.participant.media.audio, false);
  // Everyone hears of both: the audio went off, and why.
  for (const change of ['participant.audio_disabled', 'participant.muted'])
    await v.next('participant_updated', (m) => isP(b.p.id)(m) && m.changes.includes(change));
  // Server-muted: bob cannot turn his audio back on.
  await b.fails('update_state', { audio: true }, 'forbidden');
  await mod.ok('unmute', { participant_id: b.p.id });
  const un = await b.next('participant_updated', (m) => isP(b.p.id)(m) && m.changes.includes('participant.unmuted'));
  assert.equal(un.participant.media.audio, false, 'unmuting does not turn the audio on');
  await b.ok('update_state', { audio: true }, 'state_updated');

  await mod.ok('deafen', { participant_id: b.p.id });
  await v.next('participant_updated', (m) => isP(b.p.id)(m) && m.participant.media.server_deaf);
  await v.fails('deafen', { participant_id: b.p.id }, 'forbidden');
  await mod.fails('mute', { participant_id: '00000000-0000-4000-8000-000000000000' }, 'not_found');
  await v.fails('update_state', { audio: true }, 'forbidden');

  // remove: bob gets removed then close 4003; the others get participant_left reason removed.
  await mod.ok('remove', { participant_id: b.p.id, reason: 'bye' });
  const rm = await b.next('removed');
  assert.equal(typeof rm.reason, 'string');
  assert.equal((await b.waitClose()).code, 4003);
  const left = await v.next('participant_left', (m) => m.participant_id === b.p.id);
  assert.equal(left.reason, 'removed');
});

test('a REST change reaches the sockets, and the event log holds it once', async () => {
  const o = await vox.newOrg('ws-rest');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  await a.next('participant_joined', isP(b.p.id));

  await o.ok('PATCH', `/v1/participants/${b.p.id}`, { server_mute: true });
  for (const c of [a, b]) {
    const up = await c.next('participant_updated', (m) => isP(b.p.id)(m) && m.participant.media.server_mute);
    assert.ok(up.changes.some((x) => /mute/.test(x)), JSON.stringify(up.changes));
  }
  const ev = await o.ok('GET', `/v1/events?participant_id=${b.p.id}&limit=500`);
  const mutes = ev.events.filter((e) => /server_mute|muted/.test(e.type) && !/unmute/.test(e.type));
  assert.equal(mutes.length, 1, `one mute event: ${JSON.stringify(ev.events.map((e) => e.type))}`);

  // And a socket change is logged once too.
  await a.ok('update_state', { audio: true }, 'state_updated');
  await b.next('participant_updated', isP(a.p.id));
  const ev2 = await o.ok('GET', `/v1/events?participant_id=${a.p.id}&type=participant.audio_enabled`);
  assert.equal(ev2.events.length, 1);
});

test('leave answers left, closes with 1000, others get participant_left reason left', async () => {
  const o = await vox.newOrg('ws-leave');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  await b.ok('leave', {}, 'left');
  assert.equal((await b.waitClose()).code, 1000);
  const l = await a.next('participant_left', (m) => m.participant_id === b.p.id);
  assert.equal(l.reason, 'left');
  assert.equal((await o.ok('GET', `/v1/participants/${b.p.id}`)).status, 'left');
});

test('waiting room: waiting, host admits (admitted, others see participant_joined), host denies', async () => {
  const o = await vox.newOrg('ws-wait');
  const room = await o.createRoom({ type: 'voice', waiting_room: true });
  const host = await joinAs(o, room.id, 'host', { admin: true });
  assert.equal(host.joined.type, 'joined');
  const other = await joinAs(o, room.id, 'early', { role: 'co_host' });
  assert.equal(other.joined.type, 'joined');

  const g = await joinAs(o, room.id, 'guest');
  assert.equal(g.joined.type, 'waiting');
  assert.equal(g.joined.participant.status, 'waiting');
  const early = await g.request('update_state', { audio: true });
  assert.equal(early.type, 'error', `a waiting guest cannot publish: ${JSON.stringify(early)}`);

  await host.ok('admit', { participant_id: g.p.id });
  const adm = await g.next('admitted');
  assert.equal(adm.participant.id, g.p.id);
  const st = await g.next('room_state');
  assert.equal(st.room.id, room.id);
  assert.ok(st.participants.some((p) => p.id === host.p.id), 'room_state lists the host');
  const pj = await other.next('participant_joined', isP(g.p.id));
  assert.equal(pj.participant.status, 'connected');

  const d = await joinAs(o, room.id, 'denied');
  assert.equal(d.joined.type, 'waiting');
  await g.fails('admit', { participant_id: d.p.id }, 'forbidden');
  await host.ok('deny', { participant_id: d.p.id });
  const den = await d.next('denied');
  assert.equal(den.participant.id, d.p.id);
  await other.none((m) => m.type === 'participant_joined' && m.participant?.id === d.p.id, 'participant_joined for a denied guest', 300);
  const again = await host.request('admit', { participant_id: d.p.id });
  assert.equal(again.type, 'error', `admitting a denied guest: ${JSON.stringify(again)}`);
});

test('stage: request, moderator approves, requester gets role_changed, others participant_updated', async () => {
  const o = await vox.newOrg('ws-stage');
  const room = await o.createRoom({ type: 'stage' });
  const mod = await joinAs(o, room.id, 'mod', { role: 'moderator' });
  const alice = await joinAs(o, room.id, 'alice');
  const bob = await joinAs(o, room.id, 'bob');
  assert.equal(alice.p.role, 'audience');
  await alice.fails('update_state', { audio: true }, 'forbidden');

  const r = await alice.ok('stage_request');
  assert.equal(r.request.state, 'pending');
  assert.equal(r.request.participant_id, alice.p.id);
  const created = await mod.next('stage_request_created');
  assert.equal(created.request.id, r.request.id);
  await bob.fails('stage_approve', { request_id: r.request.id }, 'forbidden');

  const ap = await mod.ok('stage_approve', { request_id: r.request.id });
  assert.equal(ap.request.state, 'approved');
  const rc = await alice.next('role_changed');
  assert.equal(rc.from, 'audience');
  assert.equal(rc.to, 'speaker');
  assert.equal(rc.participant.id, alice.p.id);
  const up = await bob.next('participant_updated', (m) => isP(alice.p.id)(m) && m.participant.role === 'speaker');
  assert.ok(up.changes.includes('participant.role_changed'), JSON.stringify(up.changes));
  await alice.next('stage_request_approved', (m) => m.request.id === r.request.id);
  await alice.ok('update_state', { audio: true }, 'state_updated');

  // deny and cancel
  const r2 = await bob.ok('stage_request');
  await mod.ok('stage_deny', { request_id: r2.request.id });
  const dn = await bob.next('stage_request_denied', (m) => m.request.id === r2.request.id);
  assert.equal(dn.request.state, 'denied');
  const r3 = await bob.ok('stage_request');
  const cc = await bob.ok('stage_cancel', { request_id: r3.request.id });
  assert.equal(cc.request.state, 'cancelled');

  await mod.ok('stage_demote', { participant_id: alice.p.id });
  const rc2 = await alice.next('role_changed', (m) => m.to === 'audience');
  assert.equal(rc2.from, 'speaker');
  assert.equal(rc2.participant.media.audio, false, 'a demoted speaker publishes nothing');
  // Bob, in the audience, hears of the demotion (a role change is everyone's news) with the
  // state it leaves; what happens to alice afterwards, as one of the audience, is told to the
  // people running the stage (mod) and not to the rest of the audience (PROTOCOL.md,
  // "Audiences").
  const off = await bob.next('participant_updated', (m) => isP(alice.p.id)(m) && m.changes.includes('participant.role_changed') && m.participant.role === 'audience');
  assert.equal(off.participant.media.audio, false);
  await mod.next('participant_updated', (m) => isP(alice.p.id)(m) && m.changes.includes('participant.audio_disabled'));
  await alice.ok('update_state', { hand_raised: true }, 'state_updated');
  await mod.next('participant_updated', (m) => isP(alice.p.id)(m) && m.participant.media.hand_raised === true);
  await bob.none((m) => m.type === 'participant_updated' && isP(alice.p.id)(m) && m.participant.media.hand_raised === true,
    'an audience member\'s hand raise', 300);
});

test('set_role and move over the socket', async () => {
  const o = await vox.newOrg('ws-role');
  const room = await o.createRoom({ type: 'voice' });
  const room2 = await o.createRoom({ type: 'voice' });
  const host = await joinAs(o, room.id, 'host', { admin: true });
  const b = await joinAs(o, room.id, 'bob');
  await b.fails('set_role', { participant_id: host.p.id, role: 'viewer' }, 'forbidden');
  await host.ok('set_role', { participant_id: b.p.id, role: 'viewer' });
  const rc = await b.next('role_changed');
  assert.equal(rc.to, 'viewer');
  const bad = await host.request('set_role', { participant_id: b.p.id, role: 'emperor' });
  assert.equal(bad.type, 'error', JSON.stringify(bad));
  assert.equal(bad.error.field, 'role', JSON.stringify(bad));

  await host.ok('move', { participant_id: b.p.id, room_id: room2.id });
  const l = await host.next('participant_left', (m) => m.participant_id === b.p.id);
  assert.equal(l.reason, 'moved');
});

test('ping works before and after join', async () => {
  const o = await vox.newOrg('ws-ping');
  const room = await o.createRoom({ type: 'voice' });
  const c = await Client.connect(vox, await mintToken(o, room.id, 'p'), 'p');
  open.push(c);
  const p1 = await c.request('ping');
  assert.equal(p1.type, 'pong');
  c.send({ type: 'ping' });
  await c.next('pong');
  await c.ok('join', {}, 'joined');
  assert.equal((await c.request('ping')).type, 'pong');
});

test('report: speaking and quality reach everyone, stay out of the event log, bad values are refused', async () => {
  const o = await vox.newOrg('ws-report');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  await a.next('participant_joined', isP(b.p.id));
  a.send({ type: 'report', id: 'r1', speaking: true, quality: 'good' });
  const up = await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.changes?.includes('participant.report'));
  assert.equal(up.participant.media.speaking, true);
  assert.equal(up.quality, 'good');
  assert.equal((await o.ok('GET', `/v1/participants/${a.p.id}`)).media.speaking, true);
  const ev = await o.ok('GET', `/v1/events?participant_id=${a.p.id}&limit=500`);
  assert.ok(!ev.events.some((e) => /speaking|report/.test(e.type)), 'speaking is not history');
  await a.fails('report', { quality: 'superb' }, 'invalid_value');
  await a.fails('report', { speaking: 'yes' }, 'invalid_value');
  a.send({ type: 'report', id: 'r2', speaking: false });
  const down = await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.participant.media.speaking === false);
  assert.ok(down.changes.includes('participant.report'));
});

test('a host joining after guests started waiting sees them in joined.waiting', async () => {
  const o = await vox.newOrg('ws-wait-late');
  const room = await o.createRoom({ type: 'video', waiting_room: true });
  const early = await joinAs(o, room.id, 'early', { role: 'co_host' });
  const g = await joinAs(o, room.id, 'guest');
  assert.equal(g.joined.type, 'waiting');
  const host = await joinAs(o, room.id, 'host', { role: 'host' });
  assert.deepEqual(host.joined.waiting.map((p) => p.id), [g.p.id]);
  const plain = await joinAs(o, room.id, 'plain', { role: 'participant' });
  assert.equal(plain.joined.type, 'waiting');
  assert.ok(early.p.id);
});

test('audiences: listeners are counted, not listed to each other; the moderator sees them all', async () => {
  const o = await vox.newOrg('ws-audience');
  const room = await o.createRoom({ type: 'stage' });
  const mod = await joinAs(o, room.id, 'mod', { role: 'moderator' });
  const a = await joinAs(o, room.id, 'ann');
  const b = await joinAs(o, room.id, 'ben');
  assert.equal(b.p.role, 'audience');
  const bj = b.all.find((m) => m.type === 'joined');
  assert.deepEqual(bj.participants.map((p) => p.identity), ['mod'], 'an audience member is shown the moderator only');
  assert.equal(bj.audience_count, 2);
  await mod.next('participant_joined', (m) => m.participant.identity === 'ben');
  await a.none((m) => m.type === 'participant_joined' && m.participant.identity === 'ben', 'ben announced to ann', 300);
  await a.next('audience_count', (m) => m.count === 2, 3000);
  const late = await joinAs(o, room.id, 'mo2', { role: 'moderator' });
  const lj = late.all.find((m) => m.type === 'joined');
  assert.deepEqual(lj.participants.map((p) => p.identity).sort(), ['ann', 'ben', 'mod']);
  assert.equal(lj.audience_count, 2);
});
