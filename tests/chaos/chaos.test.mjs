// SPDX-License-Identifier: MIT
// Malformed traffic: for a bounded time, many connections send broken HTTP requests (bad
// methods, paths, headers, framing, pipelined bodies, flipped bytes) and WebSocket sessions
// send good, bad, truncated, oversized, unmasked and non-text frames and ping floods
// (tests/chaos/traffic.mjs). voxd must keep answering /healthz and exit cleanly with no
// sanitizer report. make test runs it with a fixed seed for CHAOS_SECONDS (tests/run.sh); a
// failure prints its seed and replays with
//   CHAOS_SEED=<seed> VOXD=build-asan/voxd node --test tests/chaos/
// make soak runs the same traffic for ten minutes beside 1,000 churning clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Voxd } from '../integration/lib.mjs';
import { chaosTraffic, probe, seeded } from './traffic.mjs';

const SECONDS = Number(process.env.CHAOS_SECONDS || 10);
const SEED = Number(process.env.CHAOS_SEED || Date.now() % 2147483647);

test(`malformed HTTP and WebSocket traffic for ${SECONDS} s leaves voxd healthy (seed ${SEED})`, async () => {
  const vox = await new Voxd().start();
  try {
    const o = await vox.newOrg('chaos');
    const room = await o.createRoom({ type: 'video' });
    const token = (await o.ok('POST', '/v1/tokens', { identity: 'c', room_id: room.id })).token;
    const traffic = chaosTraffic(seeded(SEED), { port: vox.port, auth: o.auth, token, roomId: room.id });
    const end = Date.now() + SECONDS * 1000;
    let sessions = 0;
    while (Date.now() < end) {
      await Promise.all(Array.from({ length: 8 }, traffic.session));
      sessions += 8;
      const h = await probe(vox.url);
      assert.equal(h.status, 200, `voxd stopped answering after ${sessions} sessions (seed ${SEED})`);
    }
    assert.ok(sessions > 0);
    // A normal request still works after all that (the chaos carries the key, so it may have
    // deleted its room: a new one is made and read).
    const after = await o.createRoom({ type: 'voice' });
    assert.equal((await o.req('GET', `/v1/rooms/${after.id}`)).status, 200);
  } finally {
    await vox.destroy(); // fails on a crash, a non-zero exit or any sanitizer report
  }
});
