// SPDX-License-Identifier: MIT
// The p2p signal relay: POST /v1/participants/{id}/signals (and the socket's `signal`), the
// session listing and a participant's inbox for polling clients. Every wait is bounded.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { Voxd, assertError } from './lib.mjs';

const WAIT_MS = 5000;
const SDP = 'v=0\r\no=- 46117314 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let vox;
let sockets = [];
before(async () => { vox = await new Voxd().start(); });
afterEach(() => { for (const s of sockets) s.close(); sockets = []; });
after(async () => { await vox.destroy(); });

// A minimal protocol client: request() resolves the answer with the same id; next() the next
// server message matching pred; none() asserts nothing matching arrived within ms.
class Sock {
  constructor(ws, label) {
    this.ws = ws;
    this.label = label;
    this.inbox = [];
    this.waiters = new Set();
    this.seq = 0;
    ws.on('error', () => {});
    ws.on('message', (d) => {
      this.inbox.push(JSON.parse(d.toString()));
      for (const w of this.waiters) w();
    });
  }

  static open(token, label) {
    const url = `${vox.url.replace(/^http/, 'ws')}/v1/rtc?access_token=${encodeURIComponent(token)}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: WAIT_MS });
      ws.once('open', () => resolve(new Sock(ws, label)));
      ws.once('error', reject);
    });
  }

  wait(pred, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const i = this.inbox.findIndex(pred);
        if (i < 0) return;
        done();
        resolve(this.inbox.splice(i, 1)[0]);
      };
      const t = setTimeout(() => { done(); reject(new Error(`${this.label}: no ${what}: ${JSON.stringify(this.inbox)}`)); }, WAIT_MS);
      const done = () => { clearTimeout(t); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }

  request(type, fields = {}) {
    const id = `${this.label}-${++this.seq}`;
    this.ws.send(JSON.stringify({ type, id, ...fields }));
    return this.wait((m) => m.id === id, `answer to ${type}`);
  }

  next(pred, what = 'signal') { return this.wait((m) => m.type === 'signal' && pred(m), what); }

  async none(pred, what, ms = 300) {
    await sleep(ms);
    const hit = this.inbox.find(pred);
    assert.ok(!hit, `${this.label}: unexpected ${what}: ${JSON.stringify(hit)}`);
  }

  close() { if (this.ws.readyState <= WebSocket.OPEN) this.ws.close(1000); }
}

async function mint(o, roomId, identity) {
  return (await o.ok('POST', '/v1/tokens', { identity, room_id: roomId, grants: {} })).token;
}

// Joins over the socket; returns the socket with .p (own participant), .token, .session.
async function wsJoin(o, roomId, identity) {
  const token = await mint(o, roomId, identity);
  const s = await Sock.open(token, identity);
  sockets.push(s);
  const j = await s.request('join');
  assert.equal(j.type, 'joined', JSON.stringify(j));
  Object.assign(s, { p: j.participant, token, session: j.session.id, auth: `Bearer ${token}` });
  return s;
}

// Joins over REST (a polling client); returns {p, auth}.
async function restJoin(o, roomId, identity) {
  const auth = `Bearer ${await mint(o, roomId, identity)}`;
  const r = await vox.req('POST', `/v1/rooms/${roomId}/participants`, { auth, body: {} });
  assert.equal(r.status, 201, r.text);
  return { p: r.body, auth };
}

const send = (auth, from, body) => vox.req('POST', `/v1/participants/${from}/signals`, { auth, body });
const isSignal = (m) => m.type === 'signal';

async function p2pRoom(o) {
  return o.createRoom({ type: 'video', media_mode: 'p2p', max_participants: 4 });
}

test('an offer reaches only its addressee; "*" reaches everyone else', async () => {
  const o = await vox.newOrg('sig-relay');
  const room = await p2pRoom(o);
  const a = await wsJoin(o, room.id, 'alice');
  const b = await wsJoin(o, room.id, 'bob');
  const c = await wsJoin(o, room.id, 'carol');

  const offer = { kind: 'offer', sdp: SDP };
  const ok = await a.request('signal', { to: b.p.id, signal: offer });
  assert.equal(ok.type, 'ok', JSON.stringify(ok));
  assert.equal(ok.signal.from, a.p.id);
  assert.equal(ok.signal.to, b.p.id);
  assert.equal(ok.signal.kind, 'offer');
  assert.deepEqual(ok.signal.signal, offer);
  assert.ok(ok.signal.seq > 0 && ok.signal.id && ok.signal.created_at);
  const got = await b.next(() => true);
  assert.equal(got.from, a.p.id);
  assert.deepEqual(got.signal, offer);
  assert.equal(got.id, undefined);
  await c.none(isSignal, 'a signal addressed to bob');
  await a.none(isSignal, 'its own signal');

  const cand = { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0' } };
  assert.equal((await b.request('signal', { to: a.p.id, signal: cand })).type, 'ok');
  assert.deepEqual((await a.next(() => true)).signal, cand);

  const hello = { kind: 'message', data: { text: 'hi all', n: [1, 2] } };
  const bc = await a.request('signal', { to: '*', signal: hello });
  assert.equal(bc.signal.to, '*');
  for (const s of [b, c]) {
    const m = await s.next((x) => x.signal.kind === 'message');
    assert.equal(m.from, a.p.id);
    assert.deepEqual(m.signal, hello);
  }
  await a.none(isSignal, 'its own broadcast echoed');

  // REST sends relay too (an api key acts for any participant).
  const r = await o.req('POST', `/v1/participants/${c.p.id}/signals`, { to: a.p.id, signal: { kind: 'answer', sdp: SDP } });
  assert.equal(r.status, 201, r.text);
  assert.equal((await a.next((x) => x.signal.kind === 'answer')).from, c.p.id);
  await b.none(isSignal, 'an answer addressed to alice');

  // The session keeps all four, oldest first, paged by after.
  const list = await o.ok('GET', `/v1/sessions/${a.session}/signals`);
  assert.deepEqual(list.signals.map((s) => s.kind), ['offer', 'candidate', 'message', 'answer']);
  const p1 = await o.ok('GET', `/v1/sessions/${a.session}/signals?limit=3`);
  assert.equal(p1.signals.length, 3);
  const p2 = await o.ok('GET', `/v1/sessions/${a.session}/signals?limit=3&after=${p1.next_after}`);
  assert.deepEqual(p2.signals.map((s) => s.kind), ['answer']);
  const viaToken = await vox.req('GET', `/v1/sessions/${a.session}/signals`, { auth: b.auth });
  assert.equal(viaToken.status, 200, viaToken.text);
  assert.equal(viaToken.body.signals.length, 4);
  // Not in the event log.
  const ev = await o.ok('GET', `/v1/events?session_id=${a.session}&limit=500`);
  assert.ok(!ev.events.some((e) => e.type.startsWith('signal')), 'signals stay out of the event log');
});

test('a polling participant pages through its inbox with after', async () => {
  const o = await vox.newOrg('sig-poll');
  const room = await p2pRoom(o);
  const a = await wsJoin(o, room.id, 'alice');
  const early = await a.request('signal', { to: '*', signal: { kind: 'message', data: 'before dave' } });
  assert.equal(early.type, 'ok', JSON.stringify(early));
  const d = await restJoin(o, room.id, 'dave');
  const e = await restJoin(o, room.id, 'erin');

  for (const i of [1, 2, 3])
    assert.equal((await send(a.auth, a.p.id, { to: d.p.id, signal: { kind: 'message', data: { i } } })).status, 201);
  assert.equal((await send(e.auth, e.p.id, { to: '*', signal: { kind: 'message', data: 'all' } })).status, 201);
  assert.equal((await send(d.auth, d.p.id, { to: '*', signal: { kind: 'message', data: 'mine' } })).status, 201);
  assert.equal((await send(a.auth, a.p.id, { to: e.p.id, signal: { kind: 'message', data: 'erin only' } })).status, 201);

  const seen = [];
  let after = 0;
  for (let page = 0; page < 10; page++) {
    const r = await vox.req('GET', `/v1/participants/${d.p.id}/signals?limit=2&after=${after}`, { auth: d.auth });
    assert.equal(r.status, 200, r.text);
    if (!r.body.signals.length) { assert.equal(r.body.next_after, after); break; }
    assert.ok(r.body.signals.length <= 2);
    seen.push(...r.body.signals.map((s) => s.signal.data));
    assert.ok(r.body.next_after > after);
    after = r.body.next_after;
  }
  // Its direct messages and others' broadcasts since it joined: not its own, not erin's.
  assert.deepEqual(seen, [{ i: 1 }, { i: 2 }, { i: 3 }, 'all']);
  const key = await o.ok('GET', `/v1/participants/${d.p.id}/signals`);
  assert.equal(key.signals.length, 4);
  assert.equal((await o.ok('GET', `/v1/sessions/${a.session}/signals?limit=500`)).signals.length, 7);

  // Another token cannot read (or send as) someone else.
  assertError(await vox.req('GET', `/v1/participants/${d.p.id}/signals`, { auth: e.auth }), 403, 'forbidden');
  assertError(await send(e.auth, d.p.id, { to: a.p.id, signal: { kind: 'message' } }), 403, 'forbidden');
});

test('a signal to another room is wrong_room, over the socket and REST', async () => {
  const o = await vox.newOrg('sig-room');
  const room = await p2pRoom(o);
  const other = await p2pRoom(o);
  const a = await wsJoin(o, room.id, 'alice');
  const b = await wsJoin(o, room.id, 'bob');
  const z = await wsJoin(o, other.id, 'zoe');

  const err = await a.request('signal', { to: z.p.id, signal: { kind: 'offer', sdp: SDP } });
  assert.equal(err.type, 'error', JSON.stringify(err));
  assert.equal(err.error.code, 'wrong_room');
  assert.equal(err.error.field, 'to');
  assert.ok(err.id.startsWith('alice-'));
  assertError(await send(a.auth, a.p.id, { to: z.p.id, signal: { kind: 'message' } }), 409, 'wrong_room', 'to');
  assertError(await send(a.auth, a.p.id, { to: '00000000-0000-4000-8000-000000000000', signal: { kind: 'message' } }), 404, 'not_found', 'to');
  await z.none(isSignal, 'a signal from another room');

  // A participant who left is no longer addressable.
  const left = await vox.req('POST', `/v1/participants/${b.p.id}/leave`, { auth: b.auth });
  assert.equal(left.status, 200, left.text);
  assertError(await send(a.auth, a.p.id, { to: b.p.id, signal: { kind: 'message' } }), 409, 'wrong_room', 'to');
  // A token of another room sees neither the session nor the participant.
  assertError(await vox.req('GET', `/v1/sessions/${a.session}/signals`, { auth: z.auth }), 403, 'wrong_room');
  assertError(await vox.req('GET', `/v1/participants/${a.p.id}/signals`, { auth: z.auth }), 403, 'wrong_room');
  assert.equal((await o.ok('GET', `/v1/sessions/${a.session}/signals`)).signals.length, 0, 'refused signals are not stored');
});

test('validation: 400 with the field at fault, nothing stored or relayed', async () => {
  const o = await vox.newOrg('sig-valid');
  const room = await p2pRoom(o);
  const a = await wsJoin(o, room.id, 'alice');
  const b = await wsJoin(o, room.id, 'bob');
  const bad = [
    [{ to: b.p.id, signal: { kind: 'shout' } }, 'invalid_value', 'signal.kind'],
    [{ to: b.p.id, signal: { sdp: SDP } }, 'missing_field', 'signal.kind'],
    [{ to: b.p.id, signal: { kind: 'offer', sdp: 'x'.repeat(12001) } }, 'too_long', 'signal.sdp'],
    [{ to: b.p.id, signal: { kind: 'offer' } }, 'missing_field', 'signal.sdp'],
    [{ to: b.p.id, signal: { kind: 'offer', sdp: 5 } }, 'invalid_type', 'signal.sdp'],
    [{ to: b.p.id, signal: { kind: 'candidate', candidate: 7 } }, 'invalid_type', 'signal.candidate'],
    [{ to: b.p.id, signal: { kind: 'message', data: 'y'.repeat(9000) } }, 'too_long', 'signal.data'],
    [{ to: b.p.id, signal: { kind: 'message', extra: 1 } }, 'unknown_field', 'signal.extra'],
    [{ to: 'bob', signal: { kind: 'message' } }, 'invalid_uuid', 'to'],
    [{ to: b.p.id, signal: 'offer' }, 'invalid_type', 'signal'],
    [{ signal: { kind: 'message' } }, 'missing_field', 'to'],
    [{ to: a.p.id, signal: { kind: 'message' } }, 'invalid_value', 'to'],
  ];
  for (const [body, code, field] of bad) assertError(await send(a.auth, a.p.id, body), 400, code, field);
  const ws = await a.request('signal', { to: b.p.id, signal: { kind: 'shout' } });
  assert.equal(ws.type, 'error');
  assert.equal(ws.error.code, 'invalid_value');
  assert.equal(ws.error.field, 'signal.kind');
  const big = await a.request('signal', { to: b.p.id, signal: { kind: 'offer', sdp: 'x'.repeat(12001) } });
  assert.equal(big.error?.code, 'too_long', JSON.stringify(big));
  for (const q of ['limit=0', 'limit=501', 'after=-1', 'after=x'])
    assert.equal((await o.req('GET', `/v1/sessions/${a.session}/signals?${q}`)).status, 400, q);
  assertError(await o.req('GET', '/v1/sessions/nope/signals'), 400, 'invalid_uuid');
  assertError(await o.req('GET', '/v1/participants/nope/signals'), 400, 'invalid_uuid');
  await b.none(isSignal, 'a refused signal');
  assert.equal((await o.ok('GET', `/v1/sessions/${a.session}/signals`)).signals.length, 0);
});

test('cross-org ids are 404; an sfu room relays only app messages', async () => {
  const o = await vox.newOrg('sig-org');
  const x = await vox.newOrg('sig-other');
  const room = await p2pRoom(o);
  const a = await wsJoin(o, room.id, 'alice');
  const b = await wsJoin(o, room.id, 'bob');
  assertError(await x.req('POST', `/v1/participants/${a.p.id}/signals`, { to: b.p.id, signal: { kind: 'message' } }), 404, 'not_found');
  assertError(await x.req('GET', `/v1/participants/${a.p.id}/signals`), 404, 'not_found');
  assertError(await x.req('GET', `/v1/sessions/${a.session}/signals`), 404, 'not_found');
  const xr = await p2pRoom(x);
  const xp = await restJoin(x, xr.id, 'mallory');
  assertError(await x.req('POST', `/v1/participants/${xp.p.id}/signals`, { to: a.p.id, signal: { kind: 'message' } }), 404, 'not_found', 'to');
  await a.none(isSignal, 'a signal from another org');

  const sfu = await o.createRoom({ type: 'video', media_mode: 'sfu' });
  const s1 = await wsJoin(o, sfu.id, 'sam');
  const s2 = await wsJoin(o, sfu.id, 'sue');
  const off = await s1.request('signal', { to: s2.p.id, signal: { kind: 'offer', sdp: SDP } });
  assert.equal(off.error?.code, 'conflict', JSON.stringify(off));
  assert.equal(off.error.field, 'signal.kind');
  assert.equal((await s1.request('signal', { to: s2.p.id, signal: { kind: 'message', data: { emoji: '+1' } } })).type, 'ok');
  assert.deepEqual((await s2.next(() => true)).signal, { kind: 'message', data: { emoji: '+1' } });
});
