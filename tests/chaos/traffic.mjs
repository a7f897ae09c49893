// SPDX-License-Identifier: MIT
// Malformed traffic generators shared by the chaos test (tests/chaos/chaos.test.mjs, in make
// test) and the soak (tests/soak/soak.mjs, make soak): seeded, so a failure replays from its
// seed. httpSession() and wsSession() each open one connection, send a bounded burst of good,
// broken and hostile bytes, and resolve when the connection is gone (never reject).
import net from 'node:net';

// mulberry32: a small seeded PRNG, so the same seed replays the same traffic.
export function seeded(seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return random;
}

// ctx: {port, auth (an api key's Authorization value), token (a participant token), roomId}.
export function chaosTraffic(random, ctx) {
  const rnd = (n) => Math.floor(random() * n);
  const pick = (a) => a[rnd(a.length)];
  const junk = (n) => Buffer.from(Array.from({ length: n }, () => rnd(256)));
  const { port, auth, token, roomId } = ctx;
  const paths = ['/v1/rooms', `/v1/rooms/${roomId}`, `/v1/rooms/${roomId.toUpperCase()}`,
    `/v1/rooms/${roomId}/participants`, '/v1/orgs', '/v1/tokens', '/v1/participants/x/leave',
    '/healthz', '/metrics', '/', '/sdk/vox.js', '/v1/rtc', '/dev/token', '/v1/events?since=x&limit=-1',
    '/v1/rooms?limit=99999999999999999999', '/%00', '/v1/rooms/a%2Fb', '/v1/rooms?q=%00',
    '/v1/rooms/' + 'a'.repeat(3000), '/v1/' + '/'.repeat(500), '/' + 'x'.repeat(17000)];
  const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'BREW', ''];
  const bodies = ['{}', '{"name":"x","type":"voice"}', '{"name":', '[]', 'null', '{"a":' + '['.repeat(5000),
    junk(200).toString('latin1'), '{"identity":"' + 'x'.repeat(70000) + '"}'];
  const framing = (b) => pick([`Content-Length: ${Buffer.byteLength(b)}`, 'Content-Length: 99999999',
    'Content-Length: -5', 'Content-Length: 2\r\nContent-Length: 3', `Content-Length: ${Buffer.byteLength(b)}\r\nTransfer-Encoding: chunked`,
    'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip', '']);
  const chunked = (b) => `${Buffer.byteLength(b).toString(16)}\r\n${b}\r\n0\r\n\r\n`;

  function httpReq() {
    const m = pick(methods), p = pick(paths);
    let b = pick(bodies);
    const a = pick([`Authorization: ${auth}`, 'Authorization: Bearer ' + token,
      'Authorization: Basic ' + junk(30).toString('base64'), 'Authorization: ' + 'x'.repeat(9000), '']);
    const cl = framing(b);
    if (cl === 'Transfer-Encoding: chunked' && random() < 0.7) b = chunked(b);
    const extra = pick(['', 'X-Fold: a\r\n b\r\n', 'Bad Name: x\r\n', 'Expect: 100-continue\r\n',
      'X-Big: ' + 'y'.repeat(40000) + '\r\n', 'Connection: close\r\n']);
    const req = `${m} ${p} HTTP/1.${pick([1, 1, 1, 0, 7])}\r\nHost: x\r\n${a}\r\n${cl}\r\n${extra}\r\n${b}`;
    const buf = Buffer.from(req, 'latin1');
    if (random() < 0.2) for (let i = 0; i < 5; i++) buf[rnd(buf.length)] = rnd(256);
    return buf;
  }

  function wsFrame(payload, op = 1, mask = true, fin = true) {
    const len = payload.length;
    const hdr = [(fin ? 0x80 : 0) | op];
    if (len < 126) hdr.push((mask ? 0x80 : 0) | len);
    else if (len < 65536) hdr.push((mask ? 0x80 : 0) | 126, len >> 8, len & 255);
    else hdr.push((mask ? 0x80 : 0) | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255);
    const key = junk(4);
    const body = Buffer.from(payload);
    if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
    return Buffer.concat([Buffer.from(hdr), mask ? key : Buffer.alloc(0), body]);
  }

  const wsMsgs = ['{"type":"join","id":"1"}', '{"type":"update_state","id":"2","audio":true}',
    '{"type":"signal","id":"3","to":"*","signal":{"kind":"message","data":1}}',
    '{"type":"mute","id":"4","participant_id":"../../x"}', '{"type":"report","id":"5","speaking":true}', '{',
    'x'.repeat(20000), '{"type":"leave","id":"6"}', '{"type":"join","id":"' + 'z'.repeat(100) + '"}',
    '{"type":"ping","id":"7"}', '{"type":"update_state","id":"8","hand_raised":true}'];

  function wsSession() {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.on('data', () => {});
      s.setTimeout(2000, () => s.destroy());
      const key = junk(16).toString('base64');
      const version = pick([13, 13, 13, 13, 8]);
      s.write(`GET /v1/rtc?access_token=${pick([token, token, 'bad', ''])} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${version}\r\n\r\n`);
      let n = 0;
      const iv = setInterval(() => {
        if (n++ > 20 || s.destroyed) { clearInterval(iv); s.destroy(); return; }
        const r = random();
        if (r < 0.55) s.write(wsFrame(pick(wsMsgs)));
        else if (r < 0.65) s.write(wsFrame(junk(rnd(300)), pick([0, 1, 2, 8, 9, 10, 3, 15]), random() < 0.8, random() < 0.8));
        else if (r < 0.7) s.write(wsFrame(Buffer.from([0xc3, 0x28, 0xff]), 1));
        else if (r < 0.75) { for (let i = 0; i < 50; i++) s.write(wsFrame(Buffer.alloc(0), 9)); }
        else if (r < 0.85) s.write(junk(rnd(100)));
        else s.write(wsFrame(pick(wsMsgs)).subarray(0, rnd(20)));
      }, 5);
    });
  }

  function httpSession() {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.on('data', () => {});
      s.setTimeout(1500, () => s.destroy());
      if (random() < 0.3) { // several requests in one write: pipelining with bodies
        s.write(Buffer.concat(Array.from({ length: 2 + rnd(20) }, httpReq)));
        setTimeout(() => s.end(), 50);
        return;
      }
      let n = 0;
      const iv = setInterval(() => {
        if (n++ > 5 || s.destroyed) { clearInterval(iv); s.end(); return; }
        s.write(httpReq());
      }, 3);
    });
  }

  return { httpSession, wsSession, session: () => (random() < 0.5 ? wsSession() : httpSession()) };
}

// One /healthz on a fresh connection: its status (or "down: why") and how long it took.
export async function probe(url, timeoutMs = 2000) {
  const t0 = performance.now();
  const status = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    .then((r) => r.status).catch((e) => `down: ${e.message}`);
  return { status, ms: performance.now() - t0 };
}
