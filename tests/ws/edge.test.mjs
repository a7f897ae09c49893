// SPDX-License-Identifier: MIT
// The WebSocket edge as a hostile client sees it (issue 6, docs/PROTOCOL.md "Connecting" and
// "Close codes"): frames written by hand on a raw socket, so that what no library would send
// can be sent. Each case asserts the exact close code (or HTTP refusal of the upgrade) and
// then that voxd serves GET /healthz on a fresh connection within 100 ms. Revocation of a key
// with open sockets is in revocation.test.mjs and ban after remove in bans.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import crypto from 'node:crypto';
import { Voxd } from '../integration/lib.mjs';
import { mintToken, mintLocal, rtcUrl, tryUpgrade } from './client.mjs';

let vox;
let org;
let room;
before(async () => {
  vox = await new Voxd().start();
  org = await vox.newOrg('ws-edge');
  room = await org.createRoom({ type: 'video', max_participants: 50 });
});
after(async () => { await vox.destroy(); });

let n = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const token = (grants = {}) => mintToken(org, room.id, `edge-${++n}`, grants);

// GET /healthz on a fresh connection must be answered within 100 ms. The time includes this
// Node process's own scheduling on two shared cores, so one slow probe is retried at once: a
// voxd that is really slow or stuck fails both.
async function healthy() {
  if (!(await probeOnce(false))) await probeOnce(true);
}

async function probeOnce(last) {
  const t0 = performance.now();
  const text = await new Promise((resolve, reject) => {
    const s = net.connect(vox.port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    let got = '';
    const t = setTimeout(() => { s.destroy(); reject(new Error(`/healthz: no answer in 2 s (${got})`)); }, 2000);
    s.on('data', (d) => {
      got += d;
      if (/\r\n\r\n\{"status":"ok"\}$/.test(got)) { clearTimeout(t); s.destroy(); resolve(got); }
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
  const ms = performance.now() - t0;
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  if (ms < 100) return true;
  assert.ok(!last, `/healthz took ${ms.toFixed(1)} ms twice in a row`);
  return false;
}

// A client frame: masked unless mask is false; rsv is the three reserved bits (0-7).
function frame(op, payload = Buffer.alloc(0), { fin = true, mask = true, rsv = 0 } = {}) {
  const body = Buffer.from(payload);
  const len = body.length;
  const hdr = [(fin ? 0x80 : 0) | (rsv << 4) | op];
  const m = mask ? 0x80 : 0;
  if (len < 126) hdr.push(m | len);
  else if (len < 65536) hdr.push(m | 126, len >> 8, len & 255);
  else hdr.push(m | 127, 0, 0, 0, 0, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255);
  if (!mask) return Buffer.concat([Buffer.from(hdr), body]);
  const key = crypto.randomBytes(4);
  for (let i = 0; i < len; i++) body[i] ^= key[i & 3];
  return Buffer.concat([Buffer.from(hdr), key, body]);
}
const text = (s, opts) => frame(1, Buffer.from(s), opts);

// Server frames out of buf: {fin, op, payload}; rest is an incomplete tail.
function parseFrames(buf) {
  const frames = [];
  let pos = 0;
  for (;;) {
    if (buf.length - pos < 2) break;
    const b0 = buf[pos], b1 = buf[pos + 1];
    assert.equal(b1 & 0x80, 0, 'a server frame is never masked');
    let len = b1 & 0x7f;
    let off = pos + 2;
    if (len === 126) { if (buf.length < off + 2) break; len = buf.readUInt16BE(off); off += 2; }
    else if (len === 127) { if (buf.length < off + 8) break; len = Number(buf.readBigUInt64BE(off)); off += 8; }
    if (buf.length < off + len) break;
    frames.push({ fin: !!(b0 & 0x80), rsv: (b0 >> 4) & 7, op: b0 & 15, payload: buf.subarray(off, off + len) });
    pos = off + len;
  }
  return { frames, rest: buf.subarray(pos) };
}

// A raw upgrade: resolves {status, line, headers, body, json} for a refusal (after the server
// closed the connection), or {status: 101, ws} with a RawWs for an accepted one.
function upgrade(path, { version = '13', key = crypto.randomBytes(16).toString('base64'), extra = '' } = {}) {
  return new Promise((resolve, reject) => {
    const s = net.connect(vox.port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let head = null;
    const t = setTimeout(() => { s.destroy(); reject(new Error(`upgrade of ${path.slice(0, 80)}: no answer (${buf.toString('latin1').slice(0, 200)})`)); }, 5000);
    const lines = [`GET ${path} HTTP/1.1`, 'Host: x', 'Upgrade: websocket', 'Connection: Upgrade'];
    if (key !== null) lines.push(`Sec-WebSocket-Key: ${key}`);
    if (version !== null) lines.push(`Sec-WebSocket-Version: ${version}`);
    s.on('connect', () => s.write(`${lines.join('\r\n')}\r\n${extra}\r\n`));
    const onData = (d) => {
      buf = Buffer.concat([buf, d]);
      if (head) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const ls = buf.subarray(0, end).toString('latin1').split('\r\n');
      head = { line: ls[0], status: Number(ls[0].split(' ')[1]), headers: {} };
      for (const l of ls.slice(1)) { const i = l.indexOf(':'); head.headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); }
      buf = buf.subarray(end + 4);
      if (head.status === 101) {
        clearTimeout(t);
        s.off('data', onData);
        const expect = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        assert.equal(head.headers['sec-websocket-accept'], expect);
        resolve({ ...head, ws: new RawWs(s, buf) });
      }
    };
    s.on('data', onData);
    s.on('end', () => {
      clearTimeout(t);
      if (!head) { reject(new Error(`upgrade of ${path.slice(0, 80)}: closed without an answer`)); return; }
      const body = buf.toString('utf8');
      let json;
      try { json = JSON.parse(body); } catch { json = undefined; }
      s.destroy();
      resolve({ ...head, body, json });
    });
    s.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

class RawWs {
  constructor(sock, initial) {
    this.sock = sock;
    this.buf = Buffer.from(initial);
    this.frames = [];
    this.ended = false;
    this.waiters = new Set();
    const wake = () => { for (const w of this.waiters) w(); };
    sock.on('data', (d) => {
      const { frames, rest } = parseFrames(Buffer.concat([this.buf, d]));
      this.buf = Buffer.from(rest);
      this.frames.push(...frames);
      wake();
    });
    sock.on('end', () => { this.ended = true; wake(); });
    sock.on('close', () => { this.ended = true; wake(); });
    sock.on('error', () => {});
    const { frames, rest } = parseFrames(this.buf);
    this.buf = Buffer.from(rest);
    this.frames.push(...frames);
  }

  write(b) { if (!this.sock.destroyed) this.sock.write(b); }

  // Resolves when fn() is true, bounded.
  until(fn, what, ms = 5000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = fn();
        if (v) { clearTimeout(t); this.waiters.delete(check); resolve(v); }
      };
      const t = setTimeout(() => { this.waiters.delete(check); reject(new Error(`no ${what} within ${ms} ms; frames: ${this.dump()}`)); }, ms);
      this.waiters.add(check);
      check();
    });
  }

  messages() { return this.frames.filter((f) => f.op === 1).map((f) => JSON.parse(f.payload.toString())); }

  // The server's close frame, {code, reason}, and the server's end of the connection after it.
  async closed(ms = 5000) {
    const f = await this.until(() => this.frames.find((x) => x.op === 8), 'close frame', ms);
    assert.ok(f.payload.length >= 2, 'a close frame without a status code');
    const info = { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() };
    // Answer it as RFC 6455 section 5.5.1 asks; the server then ends the TCP connection.
    this.write(frame(8, f.payload.subarray(0, 2)));
    await this.until(() => this.ended, 'end of the connection after the close', ms);
    return info;
  }

  dump() {
    return JSON.stringify(this.frames.map((f) => ({ op: f.op, fin: f.fin, p: f.payload.toString('latin1').slice(0, 80) }))).slice(0, 1500);
  }

  destroy() { this.sock.destroy(); }
}

async function open(grants) {
  const r = await upgrade(`/v1/rtc?access_token=${await token(grants)}`);
  assert.equal(r.status, 101, r.body);
  return r.ws;
}

// Opens a socket, sends bytes and expects the close code; then /healthz.
async function closesWith(bytes, code, what) {
  const ws = await open();
  ws.write(bytes);
  const info = await ws.closed();
  assert.equal(info.code, code, `${what}: closed ${info.code} ${info.reason}`);
  await healthy();
  return info;
}

test('an unmasked client frame closes with 1002', async () => {
  await closesWith(text('{"type":"ping","id":"1"}', { mask: false }), 1002, 'unmasked text');
  await closesWith(frame(9, Buffer.from('hi'), { mask: false }), 1002, 'unmasked ping');
});

test('a fragmented ping and a control frame over 125 bytes close with 1002', async () => {
  await closesWith(frame(9, Buffer.from('a'), { fin: false }), 1002, 'fragmented ping');
  await closesWith(frame(9, Buffer.alloc(126, 'p')), 1002, 'ping of 126 bytes');
  await closesWith(frame(10, Buffer.alloc(200, 'p')), 1002, 'pong of 200 bytes');
  await closesWith(frame(8, Buffer.concat([Buffer.from([3, 232]), Buffer.alloc(124, 'r')])), 1002, 'close of 126 bytes');
  // 125 bytes is a control frame's limit, not beyond it: the ping is answered.
  const ws = await open();
  ws.write(frame(9, Buffer.alloc(125, 'k')));
  const pong = await ws.until(() => ws.frames.find((f) => f.op === 10), 'pong');
  assert.equal(pong.payload.toString(), 'k'.repeat(125));
  ws.destroy();
  await healthy();
});

test('reserved bits, unknown opcodes and a stray continuation close with 1002', async () => {
  for (const rsv of [4, 2, 1]) await closesWith(text('{"type":"ping","id":"r"}', { rsv }), 1002, `rsv ${rsv}`);
  for (const op of [3, 7, 11, 15]) await closesWith(frame(op, Buffer.from('x')), 1002, `opcode ${op}`);
  await closesWith(frame(0, Buffer.from('x')), 1002, 'continuation with nothing to continue');
  await closesWith(Buffer.concat([text('{"a":', { fin: false }), text('1}')]), 1002, 'a new text frame inside a fragmented message');
});

test('a text message that is not valid UTF-8 closes with 1007', async () => {
  const bad = {
    'a lone continuation byte': [0x80],
    'a truncated sequence': [0xc3, 0x28],
    'an overlong encoding': [0xc0, 0xaf],
    'a surrogate': [0xed, 0xa0, 0x80],
    'past U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
  };
  for (const [what, bytes] of Object.entries(bad)) {
    await closesWith(frame(1, Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from(bytes), Buffer.from('"}')])), 1007, what);
  }
  // Split across fragments: invalid as a whole, though each fragment ends mid-character.
  await closesWith(Buffer.concat([frame(1, Buffer.from([0x22, 0xe2, 0x82]), { fin: false }), frame(0, Buffer.from([0x28, 0x22]))]), 1007, 'split');
  // A valid character split across fragments is fine: the message is answered.
  const ws = await open();
  const msg = Buffer.from('{"type":"ping","id":"€"}');
  const cut = msg.indexOf(0xe2) + 1;
  ws.write(Buffer.concat([frame(1, msg.subarray(0, cut), { fin: false }), frame(0, msg.subarray(cut))]));
  await ws.until(() => ws.messages().find((m) => m.type === 'pong' && m.id === '€'), 'pong');
  ws.destroy();
  await healthy();
});

test('a text message over 16,384 bytes closes with 1009; one of 16,384 bytes is read', async () => {
  const sized = (len, id) => {
    const s = `{"type":"ping","id":"${id}","pad":"`;
    return s + 'x'.repeat(len - s.length - 2) + '"}';
  };
  const ws = await open();
  const at = sized(16384, 'at');
  assert.equal(Buffer.byteLength(at), 16384);
  ws.write(text(at));
  const answer = await ws.until(() => ws.messages().find((m) => m.id === 'at'), 'an answer to the 16,384-byte message');
  assert.equal(answer.type, 'pong');
  ws.destroy();
  await healthy();
  await closesWith(text(sized(16385, 'over')), 1009, 'one frame of 16,385 bytes');
  const over = sized(16385, 'frag');
  await closesWith(Buffer.concat([text(over.slice(0, 9000), { fin: false }), frame(0, Buffer.from(over.slice(9000)))]), 1009, 'two fragments of 16,385 bytes in all');
});

test('close frames: an echo for a valid one, 1002 for a bad code or length, 1007 for a bad reason', async () => {
  const ws = await open();
  ws.write(frame(8, Buffer.concat([Buffer.from([3, 232]), Buffer.from('bye')])));
  assert.equal((await ws.closed()).code, 1000);
  await healthy();
  for (const code of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000]) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(code);
    await closesWith(frame(8, b), 1002, `close code ${code}`);
  }
  await closesWith(frame(8, Buffer.from([3])), 1002, 'a one-byte close payload');
  await closesWith(frame(8, Buffer.from([3, 232, 0xc3, 0x28])), 1007, 'a close reason that is not UTF-8');
});

test('lengths: a 64-bit length with the top bit set is 1002, a huge one 1009 at its first bytes', async () => {
  const hdr = (b7) => Buffer.from([0x81, 0x80 | 127, ...b7, 1, 2, 3, 4]);
  await closesWith(hdr([0x80, 0, 0, 0, 0, 0, 0, 5]), 1002, 'top bit');
  // wslay weighs a frame's length when its first payload bytes arrive.
  await closesWith(Buffer.concat([hdr([0, 0, 1, 0, 0, 0, 0, 0]), Buffer.alloc(16)]), 1009, '2^40 bytes announced');
});

test('frames behind the handshake, a frame trickled byte by byte and a ping inside a fragmented message are read', async () => {
  const tok = await token();
  const key = crypto.randomBytes(16).toString('base64');
  // The handshake and a first message in one write.
  const s = net.connect(vox.port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  let got = Buffer.alloc(0);
  s.on('data', (d) => { got = Buffer.concat([got, d]); });
  s.write(Buffer.concat([Buffer.from(`GET /v1/rtc?access_token=${tok} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`), text('{"type":"ping","id":"early"}')]));
  for (let i = 0; i < 100 && !got.includes('"early"'); i++) await sleep(10);
  assert.match(got.toString('latin1'), /^HTTP\/1\.1 101 Switching Protocols\r\n[^]*"type":"pong","id":"early"/);
  s.destroy();
  await healthy();
  const ws = await open();
  for (const b of text('{"type":"ping","id":"slow"}')) { ws.write(Buffer.from([b])); await sleep(1); }
  await ws.until(() => ws.messages().find((m) => m.id === 'slow'), 'pong to the trickled frame');
  ws.write(Buffer.concat([text('{"type":"ping",', { fin: false }), frame(9, Buffer.from('mid')), frame(0, Buffer.from('"id":"frag"}'))]));
  await ws.until(() => ws.messages().find((m) => m.id === 'frag'), 'pong to the fragmented message');
  assert.ok(ws.frames.some((f) => f.op === 10 && f.payload.toString() === 'mid'), 'the ping between fragments was answered');
  ws.destroy();
  await healthy();
});

test('a binary message closes with 1003, and what follows it in the same read is not acted on', async () => {
  await closesWith(frame(2, Buffer.from('{"type":"ping","id":"b"}')), 1003, 'binary');
  await closesWith(Buffer.concat([frame(2, Buffer.from('ab'), { fin: false }), frame(0, Buffer.from('cd'))]), 1003, 'fragmented binary');
  // A join right behind the refused binary message used to run: the participant appeared.
  const identity = `after-binary-${++n}`;
  const r = await upgrade(`/v1/rtc?access_token=${await mintToken(org, room.id, identity)}`);
  r.ws.write(Buffer.concat([frame(2, Buffer.from('x')), text('{"type":"join","id":"j"}')]));
  assert.equal((await r.ws.closed()).code, 1003);
  assert.ok(!r.ws.messages().some((m) => m.id === 'j'), r.ws.dump());
  const present = await org.ok('GET', `/v1/rooms/${room.id}/participants?limit=500`);
  assert.ok(!present.participants.some((p) => p.identity === identity), 'the join behind the binary message ran');
  await healthy();
});

test('Sec-WebSocket-Version other than 13 is 426 with Sec-WebSocket-Version: 13', async () => {
  const tok = await token();
  for (const version of ['8', '12', '14', null]) {
    const r = await upgrade(`/v1/rtc?access_token=${tok}`, { version });
    assert.equal(r.line, 'HTTP/1.1 426 Upgrade Required', `version ${version}: ${r.line}`);
    assert.equal(r.headers['sec-websocket-version'], '13');
    assert.equal(r.headers.connection, 'close');
    assert.equal(r.json?.error?.code, 'upgrade_required', r.body);
    await healthy();
  }
});

test('a missing or malformed Sec-WebSocket-Key is 400', async () => {
  const tok = await token();
  const keys = [null, '', 'abc', crypto.randomBytes(15).toString('base64'), crypto.randomBytes(17).toString('base64'), '!!!!!!!!!!!!!!!!!!!!!!!='];
  for (const key of keys) {
    const r = await upgrade(`/v1/rtc?access_token=${tok}`, { key });
    assert.equal(r.line, 'HTTP/1.1 400 Bad Request', `key ${key}: ${r.line}`);
    assert.equal(r.headers.connection, 'close');
    assert.equal(r.json?.error?.code, 'bad_request', r.body);
    await healthy();
  }
  const two = await upgrade(`/v1/rtc?access_token=${tok}`, { extra: `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n` });
  assert.equal(two.line, 'HTTP/1.1 400 Bad Request', 'two keys');
  await healthy();
});

test('a ping flood is rate-limited and closed with 4008', async () => {
  const ws = await open();
  ws.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => frame(9, Buffer.from(String(i))))));
  const info = await ws.closed();
  assert.equal(info.code, 4008, `closed ${info.code} ${info.reason}`);
  const limited = ws.messages().filter((m) => m.type === 'error' && m.error.code === 'rate_limited');
  assert.equal(limited.length, 1, `rate_limited once before the close: ${ws.dump()}`);
  assert.equal(limited[0].id, null);
  // Pings beyond the ceiling were not answered.
  assert.ok(ws.frames.filter((f) => f.op === 10).length <= 200);
  await healthy();
  // A ping rate under the limit is fine: 20 pings, each answered, the socket stays open.
  const calm = await open();
  calm.write(Buffer.concat(Array.from({ length: 20 }, (_, i) => frame(9, Buffer.from(`c${i}`)))));
  await calm.until(() => calm.frames.filter((f) => f.op === 10).length === 20, '20 pongs');
  assert.ok(!calm.frames.some((f) => f.op === 8) && !calm.ended);
  calm.destroy();
  await healthy();
});

test('tokens at every documented field maximum authenticate as Bearer and as ?access_token=', async () => {
  // docs/API.md POST /v1/tokens: identity and name at most 128 bytes, metadata 1024; a quote
  // costs two bytes in the JWT's JSON and a 4-byte character four, the most a byte can.
  const all = { join: true, publish: true, subscribe: true, publish_data: true, admin: true, hidden: false, recorder: true, role: 'participant' };
  const cases = {
    ascii: { identity: 'i'.repeat(128), name: 'n'.repeat(128), metadata: 'm'.repeat(1024) },
    escaped: { identity: `${'"'.repeat(127)}q`, name: '\\'.repeat(128), metadata: '"\\'.repeat(512) },
    astral: { identity: '\u{1F600}'.repeat(32), name: '\u{1F3A4}'.repeat(32), metadata: '\u{1F50A}'.repeat(256) },
  };
  let longest = 0;
  for (const [what, fields] of Object.entries(cases)) {
    for (const f of ['identity', 'name']) assert.equal(Buffer.byteLength(fields[f]), 128);
    assert.equal(Buffer.byteLength(fields.metadata), 1024);
    const r = await org.req('POST', '/v1/tokens', { room_id: room.id, ttl: 600, grants: all, ...fields });
    assert.equal(r.status, 201, `${what}: ${r.text}`);
    const tok = r.body.token;
    longest = Math.max(longest, tok.length);
    // REST: a route a participant token may call.
    const rest = await vox.req('GET', `/v1/rooms/${room.id}/participants`, { auth: `Bearer ${tok}` });
    assert.equal(rest.status, 200, `${what} (${tok.length} bytes) as Bearer: ${rest.text}`);
    // The upgrade, then a join as that identity.
    const up = await upgrade(`/v1/rtc?access_token=${tok}`);
    assert.equal(up.status, 101, `${what} (${tok.length} bytes) as access_token: ${up.line} ${up.body}`);
    up.ws.write(text(JSON.stringify({ type: 'join', id: 'j' })));
    const joined = await up.ws.until(() => up.ws.messages().find((m) => m.id === 'j'), 'join answer');
    assert.equal(joined.type, 'joined', JSON.stringify(joined).slice(0, 300));
    assert.equal(joined.participant.identity, fields.identity);
    assert.equal(joined.participant.name, fields.name);
    up.ws.write(text(JSON.stringify({ type: 'leave', id: 'l' })));
    assert.equal((await up.ws.closed()).code, 1000);
    await healthy();
  }
  assert.ok(longest > 3500, `the longest token was only ${longest} bytes`);
  // One byte more in any field is refused when minting, so no longer token can exist.
  for (const [field, v] of [['identity', 'i'.repeat(129)], ['name', 'n'.repeat(129)], ['metadata', 'm'.repeat(1025)], ['metadata', 'é'.repeat(512) + 'x']]) {
    const r = await org.req('POST', '/v1/tokens', { room_id: room.id, identity: 'x', [field]: v });
    assert.equal(r.status, 400, `${field} of ${Buffer.byteLength(v)} bytes: ${r.text}`);
    assert.equal(r.body.error.code, 'too_long');
    assert.equal(r.body.error.field, field);
  }
  await healthy();
});

test("a token for another org's room is refused at the upgrade with 404, not after join", async () => {
  const theirs = await vox.newOrg('ws-edge-theirs');
  const foreign = await theirs.createRoom({ type: 'voice' });
  const tok = mintLocal(org, { sub: 'intruder', room: foreign.id });
  const r = await upgrade(`/v1/rtc?access_token=${tok}`);
  assert.equal(r.line, 'HTTP/1.1 404 Not Found');
  assert.equal(r.headers.connection, 'close');
  assert.equal(r.json?.error?.code, 'not_found', r.body);
  assert.equal(r.json.error.field, null);
  await healthy();
  // Their own key's token for it upgrades: the refusal was about the org, not the room.
  const ok = await tryUpgrade(rtcUrl(vox, await mintToken(theirs, foreign.id, 'owner')));
  assert.equal(ok.status, 101);
  ok.ws.close();
  await healthy();
});
