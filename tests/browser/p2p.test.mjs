// SPDX-License-Identifier: MIT
// Two real Chromium tabs join one p2p video room through the demo app (voxd --dev at /):
// audio and video must flow both ways (inbound-rtp counters growing), and a mute made in one
// tab must show in the other's participant list. Run through tests/browser/run.sh, which
// puts voxd, Chromium and this test in a network namespace with only lo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, sleep, until } from './lib.mjs';
import { Voxd } from '../integration/lib.mjs';


let vox;
let ctx;
before(async () => {
  vox = await new Voxd(['--dev']).start();
  ctx = await launchBrowser();
});
after(async () => {
  if (ctx) await ctx.close();
  if (vox) await vox.destroy();
});

// The first element carrying one of these data-testid values.
const tid = (page, ...ids) => page.locator(ids.map((i) => `[data-testid="${i}"]`).join(', ')).first();

async function openAndJoin(room, name) {
  const page = await ctx.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.logs = logs;
  const r = await page.goto(`${vox.url}/?debug=1`, { timeout: 15000 });
  assert.equal(r.status(), 200, 'the demo app is served at /');
  await tid(page, 'room', 'room-input').fill(room, { timeout: 10000 });
  await tid(page, 'name', 'name-input').fill(name, { timeout: 10000 });
  await tid(page, 'type-select').selectOption('video:p2p', { timeout: 10000 }); // sfu is the default
  await tid(page, 'join', 'join-button').click({ timeout: 10000 });
  await until(() => page.evaluate(() => !!window.voxRoom), `${name}: window.voxRoom after join\n${logs.join('\n')}`, 15000);
  return page;
}

// Per kind, the summed inbound-rtp packetsReceived / framesDecoded over the page's peer
// connections, and whether a candidate pair succeeded.
function inboundStats(page) {
  return page.evaluate(async () => {
    const pcs = window.voxRoom && window.voxRoom.peerConnections;
    if (!pcs) return { pcs: 0 };
    const list = pcs instanceof Map ? [...pcs.values()] : Array.isArray(pcs) ? pcs : Object.values(pcs);
    const out = { pcs: list.length, audio: 0, video: 0, frames: 0, succeeded: false };
    for (const pc of list) {
      if (!pc || typeof pc.getStats !== 'function') continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp') {
          const kind = s.kind || s.mediaType;
          if (kind === 'audio') out.audio += s.packetsReceived || 0;
          if (kind === 'video') {
            out.video += s.packetsReceived || 0;
            out.frames += s.framesDecoded || 0;
          }
        }
        if (s.type === 'candidate-pair' && s.state === 'succeeded') out.succeeded = true;
        if (s.type === 'local-candidate') out.localCandidates = (out.localCandidates || 0) + 1;
        if (s.type === 'remote-candidate') out.remoteCandidates = (out.remoteCandidates || 0) + 1;
      });
      out.states = [pc.signalingState, pc.iceGatheringState, pc.iceConnectionState, pc.connectionState,
        pc.localDescription?.type, pc.remoteDescription?.type].join('/');
    }
    return out;
  });
}

// The participant row for identity in page's list (by data-testid participant-<identity>).
const row = (page, identity) => page.locator(`[data-testid="participant-${identity}"]`).first();

test('two tabs in one p2p video room: media flows both ways and a mute shows on the other side', async () => {
  const room = `p2p-${Date.now().toString(36)}`;
  const a = await openAndJoin(room, 'alice');
  const b = await openAndJoin(room, 'bob');
  const diag = () => `\n-- alice console:\n${a.logs.slice(-30).join('\n')}\n-- bob console:\n${b.logs.slice(-30).join('\n')}`;

  // Each side sees the other.
  await until(() => row(a, 'bob').count(), 'alice lists bob' + diag());
  await until(() => row(b, 'alice').count(), 'bob lists alice' + diag());

  // Media flows: counters grow between two samples ~1.5 s apart, on both sides.
  for (const [page, who] of [[a, 'alice'], [b, 'bob']]) {
    await until(async () => {
      const s1 = await inboundStats(page);
      if (!s1.pcs) { page.lastStats = { s1 }; return false; }
      await sleep(1500);
      const s2 = await inboundStats(page);
      const ok = s2.audio > s1.audio && s2.video > s1.video && s2.frames > s1.frames && s2.succeeded;
      return ok ? s2 : (page.lastStats = { s1, s2 }, false);
    }, () => `${who}: inbound audio+video growing (last ${JSON.stringify(page.lastStats)})` + diag(), 30000, 100);
  }

  // Bob's audio state as alice sees it, then bob mutes with the mic button.
  await until(async () => (await row(a, 'bob').getAttribute('data-audio')) === 'true',
    'alice sees bob with audio on' + diag());
  await tid(b, 'mic', 'mic-button').click({ timeout: 5000 });
  await until(async () => (await row(a, 'bob').getAttribute('data-audio')) === 'false',
    'alice sees bob muted' + diag(), 10000);

  await tid(b, 'leave', 'leave-button').click({ timeout: 5000 });
  await until(async () => (await row(a, 'bob').count()) === 0, 'bob gone from alice\'s list' + diag(), 10000);
});
