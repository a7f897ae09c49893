// SPDX-License-Identifier: MIT
// The media plane without a browser: publish negotiation and its refusals over /v1/rtc, the
// subscribe offer that follows, and hostile UDP at a media worker (garbage, unknown ICE
// ufrags, a wrong ICE password, media before DTLS, strangers' addresses): each is dropped
// and counted in /metrics by reason, a correct check is answered, and voxd stays healthy and
// exits cleanly (lib.mjs checks for sanitizer reports). Chromium's real offer is the input
// (tests/fixtures/sdp).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { readFileSync } from 'node:fs';
import { Voxd } from '../integration/lib.mjs';
import { joinAs as join0 } from './client.mjs';

const OFFER = readFileSync(new URL('../fixtures/sdp/chromium-offer-audio-video.sdp', import.meta.url), 'utf8');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

const attr = (sdp, name) => (sdp.match(new RegExp(`a=${name}:(\\S+)`)) || [])[1];

async function metric(name, labels = '') {
  const text = await (await fetch(`${vox.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

// A STUN binding request (RFC 8489) with USERNAME, MESSAGE-INTEGRITY (HMAC-SHA1 with key)
// and FINGERPRINT, as a browser sends it to an ICE-lite server.
function bindingRequest(username, key, useCandidate = true) {
  const attrs = [];
  const tlv = (type, value) => {
    const pad = (4 - (value.length % 4)) % 4;
    const b = Buffer.alloc(4 + value.length + pad);
    b.writeUInt16BE(type, 0);
    b.writeUInt16BE(value.length, 2);
    value.copy(b, 4);
    return b;
  };
  attrs.push(tlv(0x0006, Buffer.from(username)));
  attrs.push(tlv(0x0024, Buffer.from([0x6e, 0x7f, 0x1e, 0xff])));
  if (useCandidate) attrs.push(tlv(0x0025, Buffer.alloc(0)));
  const tie = Buffer.alloc(8);
  crypto.randomFillSync(tie);
  attrs.push(tlv(0x802a, tie));
  const head = Buffer.alloc(20);
  head.writeUInt16BE(0x0001, 0);
  head.writeUInt32BE(0x2112a442, 4);
  crypto.randomFillSync(head, 8, 12);
  let body = Buffer.concat(attrs);
  head.writeUInt16BE(body.length + 24, 2); // through MESSAGE-INTEGRITY
  const mac = crypto.createHmac('sha1', key).update(Buffer.concat([head, body])).digest();
  body = Buffer.concat([body, tlv(0x0008, mac)]);
  head.writeUInt16BE(body.length + 8, 2);
  const crc = (zlib.crc32(Buffer.concat([head, body])) ^ 0x5354554e) >>> 0;
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE(crc, 0);
  return Buffer.concat([head, body, tlv(0x8028, fp)]);
}

function udpSocket() {
  const s = dgram.createSocket('udp4');
  s.got = [];
  s.on('message', (m) => s.got.push(m));
  return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s)));
}

const send = (s, buf, port) => new Promise((r) => s.send(buf, port, '127.0.0.1', r));

test('publish: Chromium\'s offer is answered; refusals name their reason; others are offered the tracks', async () => {
  const o = await vox.newOrg('media-neg');
  const room = await o.createRoom({ type: 'video' });
  const a = await joinAs(o, room.id, 'alice');
  const b = await joinAs(o, room.id, 'bob');

  await a.fails('publish', {}, 'missing_field');
  await a.fails('publish', { sdp: 'v=0\r\nnonsense' }, 'invalid_sdp');
  await a.fails('publish', { sdp: OFFER.replace(/a=group:BUNDLE[^\r\n]*\r\n/, '') }, 'invalid_sdp');
  await a.fails('publish', { sdp: OFFER, tracks: [{ mid: '0', source: 'camera' }] }, 'invalid_value');

  const pub = await a.ok('publish', { sdp: OFFER, tracks: [{ mid: '0', source: 'microphone' }, { mid: '1', source: 'camera' }] }, 'published');
  assert.match(pub.sdp, /a=ice-lite/);
  assert.match(pub.sdp, /a=setup:passive/);
  assert.match(pub.sdp, /a=rtpmap:111 opus\/48000\/2/);
  assert.match(pub.sdp, /a=recvonly/);
  assert.match(pub.sdp, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
  assert.deepEqual(pub.tracks.map((t) => [t.mid, t.kind, t.source]).sort(), [['0', 'audio', 'microphone'], ['1', 'video', 'camera']]);

  // Bob hears of the tracks and gets an offer for them, with alice's participant id.
  const published = await b.next('track_published');
  assert.equal(published.track.participant_id, a.p.id);
  const offer = await b.next('subscribe_offer');
  assert.equal(offer.version, 1);
  assert.equal(offer.tracks.length, 2);
  assert.ok(offer.tracks.every((t) => t.participant_id === a.p.id));
  assert.equal((offer.sdp.match(/a=sendonly/g) || []).length, 2);
  assert.match(offer.sdp, /a=setup:actpass/);
  await b.fails('subscribe_answer', { sdp: offer.sdp, version: 7 }, 'stale_answer');

  // A viewer cannot publish; a token without the publish grant neither.
  const v = await joinAs(o, room.id, 'victor', { role: 'viewer' });
  await v.fails('publish', { sdp: OFFER }, 'forbidden');
  const n = await joinAs(o, room.id, 'nina', { publish: false });
  await n.fails('publish', { sdp: OFFER }, 'forbidden');

  // A p2p room has no media plane.
  const p2p = await o.createRoom({ type: 'video', media_mode: 'p2p', max_participants: 4 });
  const q = await joinAs(o, p2p.id, 'quinn');
  await q.fails('publish', { sdp: OFFER }, 'p2p_room');

  // Leaving unpublishes.
  a.send({ type: 'leave', id: 'bye' });
  const gone = await b.next('track_unpublished');
  assert.equal(gone.track.participant_id, a.p.id);
});

test('hostile UDP at a media worker is dropped and counted; a correct ICE check is answered', async () => {
  const o = await vox.newOrg('media-udp');
  const room = await o.createRoom({ type: 'voice' });
  const a = await joinAs(o, room.id, 'alice');
  const pub = await a.ok('publish', { sdp: OFFER }, 'published');
  const port = Number(pub.sdp.match(/typ host/) && pub.sdp.match(/a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+)/)[1]);
  const ufrag = attr(pub.sdp, 'ice-ufrag');
  const pwd = attr(pub.sdp, 'ice-pwd');
  const remoteUfrag = attr(OFFER, 'ice-ufrag');
  const before = {};
  for (const r of ['unknown_peer', 'stun_malformed', 'stun_auth', 'not_connected', 'garbage']) {
    before[r] = await metric('vox_media_dropped_total', `{reason="${r}"}`);
  }

  const s = await udpSocket();
  const stranger = await udpSocket();
  try {
    await send(s, Buffer.from([0x00, 0x01, 0x00]), port); // a STUN-looking scrap
    await send(s, crypto.randomBytes(40).fill(0x01, 0, 1), port); // STUN first byte, random rest
    await send(s, bindingRequest(`nobody:${remoteUfrag}`, pwd), port); // unknown ufrag
    await send(s, bindingRequest(`${ufrag}:${remoteUfrag}`, 'wrong-password'), port);
    await send(stranger, Buffer.concat([Buffer.from([0x80, 0x6f]), crypto.randomBytes(150)]), port); // RTP from nobody
    await send(stranger, Buffer.alloc(2000, 0x80), port); // oversize, from nobody
    await sleep(200);
    assert.equal(s.got.length, 0, 'nothing is answered to bad checks');

    await send(s, bindingRequest(`${ufrag}:${remoteUfrag}`, pwd), port);
    for (let i = 0; i < 50 && !s.got.length; i++) await sleep(20);
    assert.equal(s.got.length, 1, 'a correct check is answered');
    const ans = s.got[0];
    assert.equal(ans.readUInt16BE(0), 0x0101, 'binding success');
    // Now the address is known, but DTLS has not run: media and garbage are dropped.
    await send(s, Buffer.concat([Buffer.from([0x80, 0x6f]), crypto.randomBytes(150)]), port);
    await send(s, Buffer.from([0xff, 0xff, 0xff]), port);

    await sleep(2600); // workers report their counters every 2 s
    const after = async (r) => (await metric('vox_media_dropped_total', `{reason="${r}"}`)) - before[r];
    assert.ok(await after('stun_malformed') >= 2, 'malformed STUN counted');
    assert.ok(await after('unknown_peer') >= 3, 'unknown ufrag and strangers counted');
    assert.ok(await after('stun_auth') >= 1, 'a wrong ICE password counted');
    assert.ok(await after('not_connected') >= 1, 'media before DTLS counted');
    assert.ok(await after('garbage') >= 1, 'an unknown first byte counted');
    assert.ok((await metric('vox_media_peers')) >= 1);
    assert.equal((await fetch(`${vox.url}/healthz`)).status, 200);
  } finally {
    s.close();
    stranger.close();
  }
});

test('subscriptions: auto by default, unsubscribe opts out; with auto off only picked tracks come', async () => {
  const o = await vox.newOrg('media-subs');
  const room = await o.createRoom({ type: 'video' });
  const b = await joinAs(o, room.id, 'bob');
  const c = await joinAs(o, room.id, 'cat');
  await c.ok('set_auto_subscribe', { auto: false });
  await c.fails('set_auto_subscribe', { auto: 'no' }, 'invalid_value');
  const a = await joinAs(o, room.id, 'alice');
  const pub = await a.ok('publish', { sdp: OFFER }, 'published');
  const audio = pub.tracks.find((t) => t.kind === 'audio').id;
  const video = pub.tracks.find((t) => t.kind === 'video').id;
  const sending = (sdp) => (sdp.match(/a=sendonly/g) || []).length;

  const ob = await b.next('subscribe_offer');
  assert.equal(sending(ob.sdp), 2, 'auto-subscribe: both tracks');
  await b.ok('subscribe_answer', { sdp: ob.sdp.replace(/a=sendonly/g, 'a=recvonly').replace(/a=setup:actpass/g, 'a=setup:active').replace(/a=ice-lite\r\n/, ''), version: ob.version });
  await b.ok('unsubscribe', { track_id: video });
  const ob2 = await b.next('subscribe_offer', (m) => m.version === ob.version + 1);
  assert.equal(sending(ob2.sdp), 1, 'unsubscribed from the video');
  assert.deepEqual(ob2.tracks.map((t) => t.track_id), [audio]);

  await c.none((m) => m.type === 'subscribe_offer', 'an offer with auto-subscribe off', 300);
  await c.fails('subscribe', { track_id: 'TRnope' }, 'not_found');
  await c.ok('subscribe', { track_id: audio });
  const oc = await c.next('subscribe_offer');
  assert.deepEqual(oc.tracks.map((t) => t.track_id), [audio], 'only the picked track');
});
