// SPDX-License-Identifier: MIT
// Bad input on /v1/rtc (docs/PROTOCOL.md): refused upgrades, malformed and unknown messages,
// missing ids, oversized frames, messages before join, the rate limit, token expiry.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd } from '../integration/lib.mjs';
import { Client, mintToken, mintLocal, rtcUrl, tryUpgrade, joinAs as join0 } from './client.mjs';

let vox;
let org;
let room;
let open = [];
before(async () => {
  vox = await new Voxd().start();
  org = await vox.newOrg('ws-errors');
  room = await org.createRoom({ type: 'voice', max_participants: 50 });
});
afterEach(() => { for (const c of open) c.close(); open = []; });
after(async () => { await vox.destroy(); });

let n = 0;
async function conn(identity = `u${++n}`, grants = {}) {
  const c = await Client.connect(vox, await mintToken(org, room.id, identity, grants), identity);
  open.push(c);
  return c;
}
async function joinAs(identity = `u${++n}`, grants = {}) {
  const c = await join0(vox, org, room.id, identity, grants);
  open.push(c);
  return c;
}
async function alive(c) {
  const p = await c.request('ping');
  assert.equal(p.type, 'pong', `${c.label} still answers: ${JSON.stringify(p)}`);
  assert.ok(c.open);
}
function assertUnauthorized(r, what) {
  assert.equal(r.status, 401, `${what}: expected 401, got ${r.status} ${r.text ?? ''}`);
  assert.equal(r.body?.error?.code, 'unauthorized', `${what}: ${r.text}`);
  assert.equal(typeof r.body.error.message, 'string');
}

test('upgrade refused with 401 unauthorized: missing, malformed, wrongly signed, expired token', async () => {
  const base = `${vox.url.replace(/^http/, 'ws')}/v1/rtc`;
  assertUnauthorized(await tryUpgrade(base), 'no token');
  assertUnauthorized(await tryUpgrade(`${base}?access_token=`), 'empty token');
  assertUnauthorized(await tryUpgrade(rtcUrl(vox, 'not.a.jwt')), 'malformed');
  const good = mintLocal(org, { sub: 'local', room: room.id });
  const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  assertUnauthorized(await tryUpgrade(rtcUrl(vox, forged)), 'bad signature');
  const now = Math.floor(Date.now() / 1000);
  const expired = mintLocal(org, { sub: 'late', room: room.id, iat: now - 100, nbf: now - 100, exp: now - 10 });
  assertUnauthorized(await tryUpgrade(rtcUrl(vox, expired)), 'expired');

  // The locally minted token is valid (same signing as POST /v1/tokens).
  const ok = await tryUpgrade(rtcUrl(vox, good));
  assert.equal(ok.status, 101, 'a locally minted, unexpired token is accepted');
  const c = new Client(ok.ws, 'local');
  open.push(c);
  await c.ok('join', {}, 'joined');
});

test('malformed JSON, unknown type, missing or bad id: errors, connection stays open', async () => {
  const c = await joinAs();
  c.sendRaw('{"type":"ping",');
  const e1 = await c.next('error');
  assert.equal(e1.error.code, 'invalid_json');
  await alive(c);

  c.sendRaw('[1,2,3]');
  const e1b = await c.next('error');
  assert.ok(['invalid_json', 'invalid_type'].includes(e1b.error.code), JSON.stringify(e1b));
  await alive(c);

  const e2 = await c.request('frobnicate', { x: 1 });
  assert.equal(e2.type, 'error');
  assert.equal(e2.error.code, 'unknown_type');
  await alive(c);

  c.send({ type: 'update_state', audio: true });
  const e3 = await c.next('error');
  assert.equal(e3.error.field, 'id', `missing id names the field: ${JSON.stringify(e3)}`);
  assert.equal((await org.ok('GET', `/v1/participants/${c.p.id}`)).media.audio, false, 'not applied');
  c.send({ type: 'update_state', id: 'x'.repeat(65), audio: true });
  const e4 = await c.next('error');
  assert.equal(e4.error.field, 'id', `a 65-byte id is refused: ${JSON.stringify(e4)}`);
  c.send({ type: 'update_state', id: 7, audio: true });
  const e5 = await c.next('error');
  assert.equal(e5.error.field, 'id', `a numeric id is refused: ${JSON.stringify(e5)}`);
  c.send({ id: 'no-type' });
  const e6 = await c.next('error');
  assert.equal(e6.id, 'no-type');
  assert.equal((await org.ok('GET', `/v1/participants/${c.p.id}`)).media.audio, false, 'not applied');
  await alive(c);
});

test('a message over 16 KiB closes the connection with 1009; 15 KiB is fine', async () => {
  const c = await joinAs();
  const fine = await c.request('update_state', { metadata: { pad: 'y'.repeat(3 * 1024) } });
  assert.equal(fine.type, 'state_updated', JSON.stringify(fine));
  // Under the message limit but over the metadata limit: the REST validation answers.
  const big = await c.request('update_state', { metadata: { pad: 'z'.repeat(15 * 1024) } });
  assert.equal(big.type, 'error');
  assert.equal(big.error.code, 'too_long', JSON.stringify(big));
  await alive(c);
  c.send({ type: 'update_state', id: 'big', metadata: { pad: 'x'.repeat(17 * 1024) } });
  const info = await c.waitClose();
  assert.equal(info.code, 1009);
});

test('messages before join are not_joined (ping works); action without permission is forbidden', async () => {
  const c = await conn();
  for (const [type, fields] of [['update_state', { audio: true }], ['leave', {}], ['signal', { to: '*', signal: { kind: 'message' } }],
    ['stage_request', {}], ['mute', { participant_id: '00000000-0000-4000-8000-000000000000' }]]) {
    const e = await c.fails(type, fields, 'not_joined');
    assert.ok(e.id);
  }
  await alive(c);
  c.p = (await c.ok('join', {}, 'joined')).participant;

  const v = await joinAs(undefined, { role: 'viewer' });
  const e = await v.fails('update_state', { audio: true }, 'forbidden');
  assert.ok(e.id);
  await v.fails('mute', { participant_id: c.p.id }, 'forbidden');
  await v.fails('remove', { participant_id: c.p.id }, 'forbidden');
  await c.fails('remove', { participant_id: v.p.id }, 'forbidden');
  await alive(v);
});

test('a burst within the limit is served; a flood gets rate_limited once, then close 4008', async () => {
  const calm = await joinAs();
  for (let i = 0; i < 80; i++) calm.send({ type: 'ping', id: `c${i}` });
  for (let i = 0; i < 80; i++) await calm.next('pong', (m) => m.id === `c${i}`);
  assert.ok(!calm.all.some((m) => m.type === 'error'), 'no error for a burst of 80');

  const f = await joinAs();
  for (let i = 0; i < 400 && f.open; i++) f.send({ type: 'ping', id: `f${i}` });
  const rl = await f.next('error', (m) => m.error?.code === 'rate_limited');
  assert.equal(typeof rl.error.message, 'string');
  const closed = await f.waitClose();
  assert.equal(closed.code, 4008);
  const n = f.all.filter((m) => m.error?.code === 'rate_limited').length;
  assert.equal(n, 1, 'rate_limited is sent once');
  await alive(calm);
});

test('a token that expires during the connection closes it with 4001', async () => {
  const now = Math.floor(Date.now() / 1000);
  const tok = mintLocal(org, { sub: 'shortlived', room: room.id, iat: now, nbf: now, exp: now + 2 });
  const r = await tryUpgrade(rtcUrl(vox, tok));
  assert.equal(r.status, 101, r.text);
  const c = new Client(r.ws, 'short');
  open.push(c);
  await c.ok('join', {}, 'joined');
  const t0 = Date.now();
  const closed = await c.waitClose(8000);
  assert.equal(closed.code, 4001);
  assert.ok(Date.now() - t0 < 7000);

  // A token from POST /v1/tokens with the minimum ttl is accepted and works meanwhile.
  const t10 = await mintToken(org, room.id, 'ttl10', {}, { ttl: 10 });
  const c10 = await Client.connect(vox, t10, 'ttl10');
  open.push(c10);
  await c10.ok('join', {}, 'joined');
  await alive(c10);
});

test('ids that cannot be a path segment are refused, and the server lives on', async () => {
  const a = await joinAs('pathy', { role: 'host' });
  for (const bad of ['../../x', 'a/b', '', 'x'.repeat(80)]) {
    const e = await a.request('mute', { participant_id: bad });
    assert.equal(e.type, 'error', JSON.stringify(e));
    assert.equal(e.error.field, 'participant_id');
  }
  const e = await a.request('stage_cancel', {});
  assert.equal(e.error.field, 'request_id');
  assert.equal((await fetch(`${vox.url}/healthz`)).status, 200);
});
