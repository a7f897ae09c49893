// SPDX-License-Identifier: MIT
// Access-token times (docs/API.md "Authentication", docs/PROTOCOL.md "Connecting"): exp has
// no leeway, nbf and iat have 5 s for clock skew, and --token-max-ttl caps every token the
// server accepts, including tokens a backend signs itself with its key's secret. The same
// rules hold for REST (Bearer) and the WebSocket upgrade.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd, assertError } from '../integration/lib.mjs';
import { mintLocal, mintToken, rtcUrl, tryUpgrade } from './client.mjs';

const MAX_TTL = 600;
let vox;
let org;
let room;
before(async () => {
  vox = await new Voxd(['--token-max-ttl', String(MAX_TTL)]).start();
  org = await vox.newOrg('lifetime');
  room = await org.createRoom({ type: 'voice' });
});
after(async () => { await vox.destroy(); });

const now = () => Math.floor(Date.now() / 1000);
let n = 0;

// A token signed here with the key's secret (HS256), as a backend would; claims override the
// defaults (iat = nbf = now, exp = now + 60). A claim set to undefined is left out.
function sign(claims) {
  const t = now();
  const all = { sub: `u${++n}`, room: room.id, iat: t, nbf: t, exp: t + 60, ...claims };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  return mintLocal(org, all);
}

// Whether token authenticates over REST and at the upgrade; the REST refusal's message.
async function accepted(token) {
  const rest = await vox.req('GET', `/v1/rooms/${room.id}/participants`, { auth: `Bearer ${token}` });
  const up = await tryUpgrade(rtcUrl(vox, token));
  if (up.ws) up.ws.close();
  assert.equal(rest.status === 200, up.status === 101, `REST ${rest.status} and upgrade ${up.status} disagree: ${rest.text} / ${up.text}`);
  if (rest.status !== 200) {
    assertError(rest, 401, 'unauthorized');
    assert.equal(up.status, 401);
    assert.equal(up.body.error.message, rest.body.error.message, 'the upgrade gives the same reason');
  }
  return rest.status === 200 ? true : rest.body.error.message;
}

test('exp has no leeway: a token is valid while now < exp', async () => {
  assert.equal(await accepted(sign({ exp: now() + 3 })), true);
  assert.equal(await accepted(sign({ exp: now() - 1 })), 'token expired');
  assert.equal(await accepted(sign({ exp: now() - 4 })), 'token expired');
});

test('nbf and iat may be up to 5 s ahead of the server clock, not more', async () => {
  assert.equal(await accepted(sign({ nbf: now() + 3 })), true);
  assert.equal(await accepted(sign({ nbf: now() + 30 })), 'token not yet valid');
  assert.equal(await accepted(sign({ iat: now() + 3, nbf: undefined })), true);
  assert.match(await accepted(sign({ iat: now() + 30, nbf: undefined, exp: now() + 90 })), /issued in the future/);
});

test('--token-max-ttl caps tokens signed outside the server: exp - iat, or exp - now without iat', async () => {
  const t = now();
  assert.equal(await accepted(sign({ iat: t, exp: t + MAX_TTL })), true);
  const tooLong = await accepted(sign({ iat: t, exp: t + MAX_TTL + 1 }));
  assert.match(tooLong, /--token-max-ttl/);
  // A token issued long ago with little time left still had too long a lifetime.
  assert.match(await accepted(sign({ iat: t - 3000, nbf: t - 3000, exp: t + 100 })), /--token-max-ttl/);
  // Without iat the remaining time counts.
  assert.equal(await accepted(sign({ iat: undefined, nbf: undefined, exp: t + MAX_TTL - 10 })), true);
  assert.match(await accepted(sign({ iat: undefined, nbf: undefined, exp: t + 30 * 86400 })), /--token-max-ttl/);
  // Tokens the server mints stay within the cap and are accepted; beyond it it will not mint.
  assert.equal(await accepted(await mintToken(org, room.id, 'minted', {}, { ttl: MAX_TTL })), true);
  assertError(await org.req('POST', '/v1/tokens', { identity: 'x', room_id: room.id, ttl: MAX_TTL + 1 }), 400, 'out_of_range', 'ttl');
});
