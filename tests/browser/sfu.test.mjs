// SPDX-License-Identifier: MIT
// Real Chromium tabs in one sfu room, media through voxd's media plane (ICE-lite, DTLS-SRTP,
// forwarding): each of three participants receives the other two's audio and video (inbound
// packets and decoded frames growing, per sender); a server mute stops one participant's
// audio at the other two and an unmute resumes it; a viewer's publish is refused; a tab that
// reloads comes back with media. Tabs use vox.js directly (imported from voxd's /sdk/vox.js)
// with tokens minted through the REST API. Run through tests/browser/run.sh (network
// namespace with only lo).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, sleep, until } from './lib.mjs';
import { Voxd } from '../integration/lib.mjs';


let vox;
let ctx;
let org;
before(async () => {
  vox = await new Voxd(['--media-workers', '2']).start();
  org = await vox.newOrg('sfu-browser');
  ctx = await launchBrowser();
});
after(async () => {
  if (ctx) await ctx.close();
  if (vox) await vox.destroy();
});

const token = async (roomId, identity, grants = {}) =>
  (await org.ok('POST', '/v1/tokens', { identity, name: identity, room_id: roomId, grants })).token;

// Opens a tab on voxd's origin and joins with audio and video through vox.js.
async function join(roomId, identity, grants = {}, media = { audio: true, video: true }) {
  const page = await ctx.newPage();
  page.logs = [];
  page.on('console', (m) => page.logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => page.logs.push(`pageerror: ${e.message}`));
  await page.goto(`${vox.url}/healthz`, { timeout: 15000 });
  page.identity = identity;
  page.tok = await token(roomId, identity, grants);
  await connect(page, media);
  return page;
}

async function connect(page, media) {
  await page.evaluate(async ({ tok, media, name }) => {
    const { VoxRoom } = await import('/sdk/vox.js');
    const r = new VoxRoom({ token: tok, debug: false });
    window.voxRoom = r;
    window.voxErrors = [];
    r.on('error', (e) => window.voxErrors.push(`${e.code}: ${e.message}`));
    await r.connect({ name, media });
  }, { tok: page.tok, media, name: page.identity });
}

// Inbound RTP per sending participant and kind, from the receiving connection's stats, the
// mid of each inbound stream mapped to its track's participant (vox.js keeps that map).
function inbound(page) {
  return page.evaluate(async () => {
    const r = window.voxRoom;
    const pc = r && r.peerConnections.get('subscriber');
    const out = { by: {}, state: pc ? pc.connectionState : 'none', errors: window.voxErrors };
    if (!pc) return out;
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const info = r._sfu && r._sfu.mids.get(s.mid);
      const who = info ? info.participant_id : `mid-${s.mid}`;
      const e = (out.by[who] ||= { audio: 0, video: 0, frames: 0 });
      if (s.kind === 'audio') e.audio += s.packetsReceived || 0;
      else { e.video += s.packetsReceived || 0; e.frames += s.framesDecoded || 0; }
    });
    return out;
  });
}

const pid = (page) => page.evaluate(() => window.voxRoom.localParticipant.id);

// Waits until page receives growing audio and video (and decoded frames) from every sender.
async function receivesFrom(page, senders, ms = 30000) {
  const ids = await Promise.all(senders.map(pid));
  await until(async () => {
    const a = await inbound(page);
    await sleep(1200);
    const b = await inbound(page);
    page.last = b;
    return ids.every((id) => a.by[id] && b.by[id] && b.by[id].audio > a.by[id].audio &&
      b.by[id].video > a.by[id].video && b.by[id].frames > a.by[id].frames);
  }, () => `${page.identity} receives audio+video from ${senders.map((p) => p.identity)}: ${JSON.stringify(page.last)}\n${page.logs.slice(-20).join('\n')}`, ms, 100);
}

// Audio packets page receives from sender over about a second.
async function audioGrowth(page, sender) {
  const id = await pid(sender);
  const a = await inbound(page);
  await sleep(1000);
  const b = await inbound(page);
  return (b.by[id]?.audio || 0) - (a.by[id]?.audio || 0);
}

test('three tabs in an sfu room: everyone receives the others; server mute stops audio at the server; a viewer cannot publish; a reload comes back', async () => {
  const room = await org.createRoom({ type: 'video' });
  assert.equal(room.media_mode, 'sfu');
  const a = await join(room.id, 'alice');
  const b = await join(room.id, 'bob');
  const c = await join(room.id, 'carol');

  await receivesFrom(a, [b, c]);
  await receivesFrom(b, [a, c]);
  await receivesFrom(c, [a, b]);

  // voxd rates everyone's connection from RTCP (excellent on loopback) and logs the media
  // transports connecting; the fake microphone's beep makes speakers.
  const ids = await Promise.all([a, b, c].map(pid));
  await until(() => a.evaluate((ids) => ids.every((id) => window.voxRoom.quality.get(id)?.quality === 'excellent'), ids),
    () => 'alice sees excellent quality for everyone', 15000);
  const events = await org.ok('GET', `/v1/rooms/${room.id}/events?limit=200`);
  const established = events.events.filter((e) => e.type === 'connection.established');
  assert.ok(established.length >= 6, `two transports per participant connected: ${established.length}`);
  await until(() => a.evaluate(() => window.voxRoom.activeSpeakers.length > 0), 'someone speaks', 15000);
  // Speaking time and network figures are stored on the participant (and the session's sum).
  await until(async () => {
    const p = await org.ok('GET', `/v1/participants/${ids[0]}`);
    a.lastP = p;
    return p.speaking_ms > 0 && p.network && p.network.quality === 'excellent' && p.network.rtt_ms >= 0;
  }, () => `alice's speaking time and network stored: ${JSON.stringify(a.lastP && { s: a.lastP.speaking_ms, n: a.lastP.network })}`, 20000, 500);

  // Server mute of bob (the REST route a host's backend calls). vox.js stops a muted
  // microphone by itself, so bob's page then plays a client that ignores the mute and keeps
  // sending: alice and carol must still get none of his audio (voxd drops it), while his
  // video goes on; unmute brings the audio back.
  const bobId = await pid(b);
  await org.ok('PATCH', `/v1/participants/${bobId}`, { server_mute: true });
  await until(() => b.evaluate(() => window.voxRoom.localParticipant.media.server_mute === true),
    'bob hears of his mute', 10000);
  await b.evaluate(async () => {
    const s = await navigator.mediaDevices.getUserMedia({ audio: true });
    await window.voxRoom._sfu.senders.microphone.replaceTrack(s.getAudioTracks()[0]);
  });
  const sent = () => b.evaluate(async () => {
    let n = 0;
    (await window.voxRoom.peerConnections.get('publisher').getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') n += s.packetsSent;
    });
    return n;
  });
  const before = await sent();
  await until(async () => (await audioGrowth(a, b)) === 0 && (await audioGrowth(c, b)) === 0,
    'bob\'s audio stops at alice and carol', 15000, 100);
  assert.ok((await sent()) > before + 20, 'bob kept sending audio while muted');
  await receivesFrom(a, [c]); // the others are unaffected
  await org.ok('PATCH', `/v1/participants/${bobId}`, { server_mute: false });
  await until(async () => (await audioGrowth(a, b)) > 10 && (await audioGrowth(c, b)) > 10,
    'bob\'s audio resumes at alice and carol', 15000, 100);

  // A viewer may watch but not publish: its publish is refused with forbidden.
  const v = await join(room.id, 'victor', { role: 'viewer' }, {});
  const refused = await v.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const s = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTransceiver(s.getAudioTracks()[0], { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    try {
      await window.voxRoom.request('publish', { sdp: pc.localDescription.sdp });
      return 'accepted';
    } catch (e) {
      return e.code;
    } finally { pc.close(); }
  });
  assert.equal(refused, 'forbidden');
  await receivesFrom(v, [a, b, c]); // and it receives everyone

  // Every subscriber's video started on a keyframe voxd recognised (none timed out waiting).
  await sleep(2200); // the workers' counters come every 2 s
  const metrics = await (await fetch(`${vox.url}/metrics`)).text();
  const kf = (how) => Number((new RegExp(`vox_media_keyframe_starts_total\\{how="${how}"\\} (\\d+)`).exec(metrics) || [])[1]);
  assert.ok(kf('keyframe') >= 6, `video starts on keyframes: ${kf('keyframe')}`);
  assert.equal(kf('timeout'), 0, 'no subscriber waited out the keyframe gate');

  // Carol reloads her page and joins again with the same token: media flows again both ways.
  await c.reload();
  await connect(c, { audio: true, video: true });
  await receivesFrom(c, [a, b]);
  await receivesFrom(a, [c]);
  for (const p of [a, b, c, v]) await p.close();
});

test('the echo participant sends a user its own audio and video back through voxd, and stops', async () => {
  const room = await org.createRoom({ type: 'video' });
  const a = await join(room.id, 'edith');
  const echoGrowth = async () => {
    const s1 = await inbound(a);
    await sleep(1200);
    const s2 = await inbound(a);
    a.last = s2;
    const e1 = s1.by.echo || { audio: 0, video: 0, frames: 0 }, e2 = s2.by.echo || e1;
    return { audio: e2.audio - e1.audio, video: e2.video - e1.video, frames: e2.frames - e1.frames };
  };
  assert.equal(await a.evaluate(async () => (await window.voxRoom.request('echo_start')).type), 'ok');
  await until(async () => {
    const g = await echoGrowth();
    return g.audio > 0 && g.video > 0 && g.frames > 0;
  }, () => `edith receives her echo: ${JSON.stringify(a.last)}\n${a.logs.slice(-20).join('\n')}`, 30000, 100);
  assert.equal(await a.evaluate(async () => (await window.voxRoom.request('echo_stop')).type), 'ok');
  await until(async () => {
    const g = await echoGrowth();
    return g.audio === 0 && g.video === 0;
  }, 'the echo stops', 15000, 100);
  await a.close();
});
