// SPDX-License-Identifier: MIT
// Presence over /v1/rtc (docs/PROTOCOL.md): a dropped socket marks the participant
// reconnecting; rejoining within the grace period resumes the same participant with no
// left/joined pair for the others; past the grace period the participant times out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd } from '../integration/lib.mjs';
import { Client, joinAs } from './client.mjs';

const servers = [];
const clients = [];
after(async () => {
  for (const c of clients) c.close();
  for (const v of servers) await v.destroy();
});

async function start(args) {
  const v = await new Voxd(args).start();
  servers.push(v);
  return v;
}

const isP = (id) => (m) => m.participant?.id === id;
const leftOrJoined = (id) => (m) =>
  (m.type === 'participant_left' && m.participant_id === id) ||
  (m.type === 'participant_joined' && m.participant?.id === id);

test('reconnect within the grace period resumes the same participant', async () => {
  const vox = await start(['--presence-timeout', '30']);
  const o = await vox.newOrg('ws-resume');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(vox, o, room.id, 'alice');
  const b = await joinAs(vox, o, room.id, 'bob');
  clients.push(a, b);
  await a.next('participant_joined', isP(b.p.id));
  await a.ok('update_state', { audio: true }, 'state_updated');
  await b.next('participant_updated', isP(a.p.id));

  a.close();
  const rc = await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.participant.status === 'reconnecting');
  assert.equal(rc.participant.id, a.p.id);
  assert.equal((await o.ok('GET', `/v1/participants/${a.p.id}`)).status, 'reconnecting');

  const a2 = await Client.connect(vox, a.token, 'alice2');
  clients.push(a2);
  const j = await a2.ok('join', {}, 'joined');
  assert.equal(j.participant.id, a.p.id, 'same participant id');
  assert.equal(j.participant.status, 'connected');
  assert.equal(j.participant.media.audio, true, 'state kept across the reconnect');
  assert.deepEqual(j.participants.map((p) => p.id), [b.p.id]);
  const back = await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.participant.status === 'connected');
  assert.equal(back.participant.id, a.p.id);
  await b.none(leftOrJoined(a.p.id), 'participant_left/participant_joined for a resumed participant', 300);
  assert.ok(!b.all.some(leftOrJoined(a.p.id)), 'no left/joined pair at any time');

  // The resumed socket is live: its changes fan out.
  await a2.ok('update_state', { video: true }, 'state_updated');
  await b.next('participant_updated', (m) => isP(a.p.id)(m) && m.participant.media.video);
  const ev = await o.ok('GET', `/v1/events?participant_id=${a.p.id}&type=participant.joined`);
  assert.equal(ev.events.length, 1, 'one participant.joined in the event log');
});

test('past the grace period the participant leaves with reason timeout', async () => {
  const vox = await start(['--presence-timeout', '1']);
  const o = await vox.newOrg('ws-timeout');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(vox, o, room.id, 'alice');
  const b = await joinAs(vox, o, room.id, 'bob');
  clients.push(a, b);
  a.terminate(); // a dropped TCP connection, no close frame
  const t0 = Date.now();
  const left = await b.next('participant_left', (m) => m.participant_id === a.p.id, 10000);
  assert.equal(left.reason, 'timeout');
  assert.ok(Date.now() - t0 >= 500, 'not before the grace period');
  assert.equal((await o.ok('GET', `/v1/participants/${a.p.id}`)).status, 'left');
  // Bob's socket is live: he must outlast several grace periods.
  await b.none((m) => m.type === 'participant_left' && m.participant_id === b.p.id, 'bob timed out', 2500);
  assert.ok(b.open, `bob's live socket was closed: ${JSON.stringify(b.closeInfo)}`);
  assert.equal((await o.ok('GET', `/v1/participants/${b.p.id}`)).status, 'connected');

  // A later join with the same token is a new participant (or a rejoin) that b sees joining.
  const a2 = await Client.connect(vox, a.token, 'alice2');
  clients.push(a2);
  await a2.ok('join', {}, 'joined');
  await b.next('participant_joined', (m) => m.participant.identity === 'alice');
});

test('a socket that never joins is closed with 4002 after --join-timeout', async () => {
  const vox = await start(['--join-timeout', '1']);
  const o = await vox.newOrg('ws-nojoin');
  const room = await o.createRoom({ type: 'voice' });
  const t = (await o.ok('POST', '/v1/tokens', { identity: 'idle', room_id: room.id })).token;
  const idle = await Client.connect(vox, t, 'idle');
  clients.push(idle);
  const closed = await idle.waitClose(5000);
  assert.equal(closed.code, 4002);
  const b = await joinAs(vox, o, room.id, 'bob'); // joined sockets are not affected
  clients.push(b);
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(b.open, 'a joined socket stays open');
});
