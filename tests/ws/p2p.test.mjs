// SPDX-License-Identifier: MIT
// Peer-to-peer relay over /v1/rtc (docs/PROTOCOL.md): a signal reaches only the named
// participant, "*" reaches everyone else, another room's participant is wrong_room, and the
// session keeps the relayed messages for GET /v1/sessions/{id}/signals.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd } from '../integration/lib.mjs';
import { joinAs as join0 } from './client.mjs';

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

const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const isSignal = (m) => m.type === 'signal';

test('a signal reaches only the named participant; "*" reaches all others', async () => {
  const o = await vox.newOrg('ws-p2p');
  const room = await o.createRoom({ type: 'video', media_mode: 'p2p', max_participants: 4 });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  const c = await joinAs(o, room.id, 'carol');

  const offer = { kind: 'offer', sdp: SDP };
  await a.ok('signal', { to: b.p.id, signal: offer });
  const got = await b.next('signal');
  assert.equal(got.from, a.p.id);
  assert.deepEqual(got.signal, offer);
  assert.equal(got.id, undefined);

  const cand = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };
  await b.ok('signal', { to: a.p.id, signal: { kind: 'answer', sdp: SDP } });
  await b.ok('signal', { to: a.p.id, signal: cand });
  const ans = await a.next('signal', (m) => m.signal.kind === 'answer');
  assert.equal(ans.from, b.p.id);
  const gotCand = await a.next('signal', (m) => m.signal.kind === 'candidate');
  assert.deepEqual(gotCand.signal, cand);
  await c.none(isSignal, 'signal addressed to someone else', 300);

  const hello = { kind: 'message', data: { text: 'hi all' } };
  await c.ok('signal', { to: '*', signal: hello });
  for (const x of [a, b]) {
    const m = await x.next('signal', (s) => s.signal.kind === 'message');
    assert.equal(m.from, c.p.id);
    assert.deepEqual(m.signal, hello);
  }
  await c.none(isSignal, 'its own "*" signal echoed back', 300);

  // Listed per session, and per addressee.
  const sid = a.joined.session.id;
  const list = await o.ok('GET', `/v1/sessions/${sid}/signals?limit=50`);
  const sigs = list.signals;
  assert.ok(Array.isArray(sigs), JSON.stringify(list));
  assert.ok(sigs.length >= 4, `at least the 4 relayed signals: ${JSON.stringify(list)}`);
  const kinds = sigs.map((s) => s.signal?.kind ?? s.kind);
  for (const k of ['offer', 'answer', 'candidate', 'message']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  const lim = await o.ok('GET', `/v1/sessions/${sid}/signals?limit=1`);
  assert.equal(lim.signals.length, 1);

  const mine = await vox.req('GET', `/v1/participants/${b.p.id}/signals?after=0`, { auth: `Bearer ${b.token}` });
  assert.equal(mine.status, 200, mine.text);
  const mk = mine.body.signals.map((s) => s.signal?.kind ?? s.kind);
  assert.ok(mk.includes('offer') && mk.includes('message'), JSON.stringify(mine.body));
  assert.ok(!mk.includes('answer'), 'only messages addressed to bob (or to everyone)');
});

test('signal errors: another room is wrong_room; bad fields are refused', async () => {
  const o = await vox.newOrg('ws-p2p-err');
  const room = await o.createRoom({ type: 'video', media_mode: 'p2p', max_participants: 4 });
  const other = await o.createRoom({ type: 'video', media_mode: 'p2p', max_participants: 4 });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');
  const z = await joinAs(o, other.id, 'zoe');

  const e = await a.fails('signal', { to: z.p.id, signal: { kind: 'offer', sdp: SDP } }, 'wrong_room');
  assert.ok(e.id);
  await z.none(isSignal, 'a signal from another room', 300);
  const nobody = await a.request('signal', { to: '00000000-0000-4000-8000-000000000000', signal: { kind: 'offer', sdp: SDP } });
  assert.equal(nobody.type, 'error', JSON.stringify(nobody));
  const badKind = await a.request('signal', { to: b.p.id, signal: { kind: 'shout' } });
  assert.equal(badKind.type, 'error', JSON.stringify(badKind));
  const noTo = await a.request('signal', { signal: { kind: 'offer', sdp: SDP } });
  assert.equal(noTo.type, 'error', JSON.stringify(noTo));
  await b.none(isSignal, 'a refused signal delivered', 300);
});
