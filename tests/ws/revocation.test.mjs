// SPDX-License-Identifier: MIT
// Revocation takes effect everywhere at once (docs/PROTOCOL.md "Close codes", docs/API.md
// DELETE /v1/keys/{key_id}): revoking an api key stops REST calls made with it or with tokens
// it signed, and closes every socket its tokens opened with 4005 before the revoke's answer
// arrives; deleting an org does the same for all its sockets. Key creation and revocation are
// events. The upgrade refuses a token whose room is not in its key's org.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Voxd, OrgClient, assertError } from '../integration/lib.mjs';
import { Client, mintToken, mintLocal, rtcUrl, tryUpgrade, joinAs } from './client.mjs';

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A second key of org, as an OrgClient of its own.
async function secondKey(org, name = 'second') {
  const k = await org.ok('POST', '/v1/keys', { name });
  return new OrgClient(vox, org.org, k.id, k.secret);
}

// Sends a raw HTTP request on its own socket and resolves the moment its answer's first bytes
// arrive (performance.now()), with the status line.
function rawRequest(method, path, auth) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(vox.port, '127.0.0.1');
    let text = '';
    sock.once('error', reject);
    sock.on('data', (d) => {
      if (!text) resolve({ at: performance.now(), first: d.toString().split('\r\n')[0] });
      text += d;
      sock.destroy();
    });
    sock.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Length: 0\r\n\r\n`);
  });
}

test('revoking a key closes its sockets with 4005 before the answer, and only its sockets', async () => {
  const org = await vox.newOrg('revoke-ws');
  const k2 = await secondKey(org);
  const room = await org.createRoom({ type: 'voice', max_participants: 20 });
  // Three sockets on tokens of k2 (one minted by the server, one signed locally, one that only
  // connected without joining), one on the org's first key.
  const a = await joinAs(vox, k2, room.id, 'a2');
  const localTok = mintLocal(k2, { sub: 'local2', room: room.id });
  const b = new Client((await tryUpgrade(rtcUrl(vox, localTok))).ws, 'local2');
  await b.ok('join', {}, 'joined');
  const idle = await Client.connect(vox, await mintToken(k2, room.id, 'idle2'), 'idle2');
  const keep = await joinAs(vox, org, room.id, 'keeper');
  const bearer2 = `Bearer ${a.token}`;
  assert.equal((await vox.req('GET', `/v1/participants/${a.p.id}`, { auth: bearer2 })).status, 200);

  const closes = [a, b, idle].map((c) => c.waitClose().then((info) => ({ ...info, at: performance.now() })));
  const answer = await rawRequest('DELETE', `/v1/keys/${k2.keyId}`, org.auth);
  assert.match(answer.first, / 204 /);
  const infos = await Promise.all(closes);
  for (const [i, info] of infos.entries()) {
    assert.equal(info.code, 4005, `socket ${i}: ${JSON.stringify(info)}`);
    assert.equal(info.reason, 'api key revoked');
    assert.ok(info.at <= answer.at + 50, `socket ${i} closed ${info.at - answer.at} ms after the answer`);
  }
  // Each was told why just before the close.
  for (const c of [a, b, idle]) {
    const e = c.all.find((m) => m.type === 'error' && m.error?.code === 'credentials_revoked');
    assert.ok(e, `${c.label}: no credentials_revoked error: ${c.dump()}`);
    assert.equal(e.id, null);
  }
  // The other key's socket is untouched and still acts.
  assert.ok(keep.open);
  await keep.ok('update_state', { hand_raised: true }, 'state_updated');
  keep.close();

  // REST: Basic credentials and every token the key signed are refused, minted or local.
  assertError(await k2.req('GET', '/v1/org'), 401, 'unauthorized');
  const r = await vox.req('GET', `/v1/participants/${a.p.id}`, { auth: bearer2 });
  assertError(r, 401, 'unauthorized');
  assert.match(r.body.error.message, /revoked/);
  assertError(await vox.req('GET', `/v1/participants/${a.p.id}`, { auth: `Bearer ${localTok}` }), 401, 'unauthorized');
  // So is a new upgrade with them.
  for (const t of [a.token, localTok]) {
    const up = await tryUpgrade(rtcUrl(vox, t));
    assert.equal(up.status, 401, up.text);
    assert.equal(up.body.error.code, 'unauthorized');
  }
  // Revoking it again is 404 (it is no longer an active key).
  assertError(await org.req('DELETE', `/v1/keys/${k2.keyId}`), 404, 'not_found');
});

// One round: a burst of changes, the revoke, and more changes leave in the same instant; what
// the socket sends after the revoke is read must not change anything or be answered.
async function revokeRace(org, room, round) {
  const k2 = await secondKey(org, `race-${round}`);
  const a = await joinAs(vox, k2, room.id, `racer-${round}`);
  const change = (i) => a.send({ type: 'update_state', id: `u${i}`, audio: i % 2 === 0, name: `n-${i}` });
  for (let i = 0; i < 10; i++) change(i);
  const del = org.req('DELETE', `/v1/keys/${k2.keyId}`);
  for (let i = 10; i < 40; i++) change(i);
  assert.equal((await del).status, 204);
  assert.equal((await a.waitClose()).code, 4005);
  const cut = a.all.findIndex((m) => m.error?.code === 'credentials_revoked');
  assert.ok(cut >= 0, a.dump());
  const answered = a.all.filter((m) => typeof m.id === 'string' && m.id.startsWith('u'));
  assert.ok(answered.every((m) => a.all.indexOf(m) < cut), `round ${round}: an action was answered after the revoke`);
  const applied = answered.filter((m) => m.type === 'state_updated');
  const p = await org.ok('GET', `/v1/participants/${a.p.id}`);
  assert.equal(p.name, applied.length ? applied.at(-1).participant.name : `racer-${round}`,
    `round ${round}: a change after the revoke was applied (${applied.length} answered)`);
  return p;
}

test('a revoked socket cannot act between the revoke and its close', async () => {
  const org = await vox.newOrg('revoke-race');
  const room = await org.createRoom({ type: 'voice' });
  // The window is one loop iteration wide: several rounds make hitting it near certain.
  let p;
  for (let round = 0; round < 10; round++) p = await revokeRace(org, room, round);
  // The dropped socket left its participant reconnecting, as any drop does.
  await sleep(100);
  assert.equal((await org.ok('GET', `/v1/participants/${p.id}`)).status, 'reconnecting');
});

test('a participant of a revoked key resumes with a token of another key (key rotation)', async () => {
  const org = await vox.newOrg('rotate');
  const old = await secondKey(org, 'old');
  const room = await org.createRoom({ type: 'voice' });
  const a = await joinAs(vox, old, room.id, 'rotating');
  const watcher = await joinAs(vox, org, room.id, 'watcher');
  assert.equal((await org.req('DELETE', `/v1/keys/${old.keyId}`)).status, 204);
  assert.equal((await a.waitClose()).code, 4005);
  const back = await joinAs(vox, org, room.id, 'rotating');
  assert.equal(back.p.id, a.p.id, 'the same participant resumes');
  await watcher.none((m) => m.type === 'participant_left', 'participant_left for a resumed participant', 300);
  back.close();
  watcher.close();
});

test('deleting an org closes all its sockets with 4005 (another org keeps its own)', async () => {
  const doomed = await vox.newOrg('doomed');
  const other = await vox.newOrg('survivor');
  const k2 = await secondKey(doomed);
  const r1 = await doomed.createRoom({ type: 'voice' });
  const r2 = await doomed.createRoom({ type: 'voice' });
  const ro = await other.createRoom({ type: 'voice' });
  const socks = [
    await joinAs(vox, doomed, r1.id, 'd1'),
    await joinAs(vox, k2, r2.id, 'd2'),
    await Client.connect(vox, await mintToken(doomed, r1.id, 'd3'), 'd3'),
  ];
  const safe = await joinAs(vox, other, ro.id, 'o1');
  const closes = socks.map((c) => c.waitClose());
  assert.equal((await vox.admin('DELETE', `/v1/orgs/${doomed.org.id}`)).status, 204);
  for (const info of await Promise.all(closes)) assert.deepEqual(info, { code: 4005, reason: 'org deleted' });
  assert.ok(safe.open);
  await safe.ok('update_state', { video: true }, 'state_updated');
  safe.close();
});

test('creating and revoking keys are events, without the secret', async () => {
  const org = await vox.newOrg('key-events');
  const k2 = await org.ok('POST', '/v1/keys', { name: 'ci' });
  const k3 = await vox.admin('POST', `/v1/orgs/${org.org.id}/keys`, { name: 'ops' });
  assert.equal(k3.status, 201, k3.text);
  assert.equal((await org.req('DELETE', `/v1/keys/${k2.id}`)).status, 204);
  const log = await org.ok('GET', '/v1/events?type=api_key.*');
  const seen = log.events.map((e) => [e.type, e.data.key_id, e.data.name, e.data.by]);
  // The org's first key is part of the org's creation, which starts its log: not an event.
  assert.deepEqual(seen, [
    ['api_key.created', k2.id, 'ci', org.keyId],
    ['api_key.created', k3.body.id, 'ops', 'admin'],
    ['api_key.revoked', k2.id, 'ci', org.keyId],
  ]);
  const text = JSON.stringify(log);
  for (const secret of [org.secret, k2.secret, k3.body.secret]) assert.ok(!text.includes(secret), 'a secret leaked into the event log');
  for (const e of log.events) assert.deepEqual(Object.keys(e.data).sort(), ['by', 'key_id', 'name']);
  // A refused revoke (own key, unknown key) logs nothing.
  assertError(await org.req('DELETE', `/v1/keys/${org.keyId}`), 409, 'conflict');
  assertError(await org.req('DELETE', '/v1/keys/AKNOTAKEY'), 400, 'invalid_uuid');
  assertError(await org.req('DELETE', '/v1/keys/AK22222222222222222222'), 404, 'not_found');
  assert.equal((await org.ok('GET', '/v1/events?type=api_key.revoked')).events.length, 1);
  // Another org sees none of them.
  const stranger = await vox.newOrg('stranger');
  assert.deepEqual((await stranger.ok('GET', '/v1/events?type=api_key.*')).events, []);
});

test("the upgrade refuses a token for another org's room, or a room that does not exist, with 404", async () => {
  const mine = await vox.newOrg('upgrade-mine');
  const theirs = await vox.newOrg('upgrade-theirs');
  const foreign = await theirs.createRoom({ type: 'voice' });
  const gone = await mine.createRoom({ type: 'voice' });
  const goneTok = await mintToken(mine, gone.id, 'late');
  assert.equal((await mine.req('DELETE', `/v1/rooms/${gone.id}`)).status, 204);
  const cases = [
    ['another org', mintLocal(mine, { sub: 'x', room: foreign.id })],
    ['never existed', mintLocal(mine, { sub: 'y', room: '00000000-0000-4000-8000-000000000000' })],
    ['deleted', goneTok],
  ];
  for (const [what, tok] of cases) {
    const r = await tryUpgrade(rtcUrl(vox, tok));
    assert.equal(r.status, 404, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.body?.error?.code, 'not_found', `${what}: ${r.text}`);
    assert.equal(r.body.error.field, null);
    assert.match(r.body.error.message, /room/);
  }
  // The same key's token for its own room still upgrades.
  const ok = await tryUpgrade(rtcUrl(vox, mintLocal(mine, { sub: 'z', room: (await mine.createRoom()).id })));
  assert.equal(ok.status, 101);
  ok.ws.close();
});
