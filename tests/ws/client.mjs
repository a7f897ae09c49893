// SPDX-License-Identifier: MIT
// A small WebSocket client for vox's realtime protocol (docs/PROTOCOL.md), for tests:
// connect with an access token, request(type, fields) -> the answer carrying the same id (or
// the error), next(type, predicate, ms) -> the next matching server message, none(...) to
// assert that nothing matching arrives. Every wait is bounded.
import WebSocket from 'ws';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';

export const WAIT_MS = 5000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function rtcUrl(vox, token) {
  return `${vox.url.replace(/^http/, 'ws')}/v1/rtc?access_token=${encodeURIComponent(token)}`;
}

// Mints a token through POST /v1/tokens and returns the raw JWT.
export async function mintToken(org, roomId, identity, grants = {}, extra = {}) {
  const t = await org.ok('POST', '/v1/tokens', { identity, room_id: roomId, grants, ...extra });
  return t.token;
}

// Mints an HS256 token locally with the org key's secret (as a backend would), with any exp.
export function mintLocal(org, claims) {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = b64({ alg: 'HS256', typ: 'JWT', kid: org.keyId });
  const body = b64({ iss: org.keyId, iat: now, nbf: now, exp: now + 3600, jti: crypto.randomUUID(),
    grants: {}, ...claims });
  const sig = crypto.createHmac('sha256', org.secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

// Opens a raw upgrade and resolves {status, body} when the server refuses it, or the open
// socket when it accepts.
export function tryUpgrade(url, timeoutMs = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const t = setTimeout(() => { ws.terminate(); reject(new Error(`upgrade timed out: ${url}`)); }, timeoutMs);
    ws.once('open', () => { clearTimeout(t); resolve({ status: 101, ws }); });
    ws.once('unexpected-response', (req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        clearTimeout(t);
        let body;
        try { body = JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body, text });
      });
      res.on('error', () => { clearTimeout(t); resolve({ status: res.statusCode, text }); });
    });
    ws.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

let seq = 0;

export class Client {
  constructor(ws, label) {
    this.ws = ws;
    this.label = label;
    this.inbox = [];    // server messages not consumed by next()
    this.all = [];      // every server message, for diagnostics and negative checks
    this.waiters = new Set();
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const w of this.waiters) w.check();
      });
    });
    ws.on('error', () => { /* surfaced through close */ });
    ws.on('message', (data, isBinary) => {
      let m;
      try { m = JSON.parse(data.toString()); } catch { m = { type: '<non-json>', raw: data.toString(), isBinary }; }
      m._at = performance.now();
      this.inbox.push(m);
      this.all.push(m);
      for (const w of this.waiters) w.check();
    });
  }

  static async connect(vox, token, label = 'client', timeoutMs = WAIT_MS) {
    const r = await tryUpgrade(rtcUrl(vox, token), timeoutMs);
    assert.equal(r.status, 101, `${label}: upgrade refused ${r.status} ${r.text}`);
    return new Client(r.ws, label);
  }

  get open() { return this.ws.readyState === WebSocket.OPEN; }

  sendRaw(data) { this.ws.send(data); }
  send(obj) { this.ws.send(JSON.stringify(obj)); }

  // Waits for the first inbox message matching fn (consumed), bounded by timeoutMs.
  waitFor(fn, what, timeoutMs = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const i = this.inbox.findIndex(fn);
          if (i >= 0) {
            const [m] = this.inbox.splice(i, 1);
            done();
            resolve(m);
          } else if (this.closeInfo) {
            done();
            reject(new Error(`${this.label}: closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${what}; got ${this.dump()}`));
          }
        },
      };
      const t = setTimeout(() => {
        done();
        reject(new Error(`${this.label}: no ${what} within ${timeoutMs} ms; got ${this.dump()}`));
      }, timeoutMs);
      const done = () => { clearTimeout(t); this.waiters.delete(w); };
      this.waiters.add(w);
      w.check();
    });
  }

  // The next server message of this type (and matching pred), consumed from the inbox.
  next(type, pred = () => true, timeoutMs = WAIT_MS) {
    return this.waitFor((m) => m.type === type && pred(m), type, timeoutMs);
  }

  // Sends {type, id, ...fields} and resolves the message that answers it (answer or error).
  request(type, fields = {}, timeoutMs = WAIT_MS) {
    const id = `${this.label}-${++seq}`;
    this.send({ type, id, ...fields });
    return this.waitFor((m) => m.id === id, `answer to ${type} (id ${id})`, timeoutMs);
  }

  // request() that must succeed with the given answer type.
  async ok(type, fields = {}, answer = 'ok', timeoutMs = WAIT_MS) {
    const m = await this.request(type, fields, timeoutMs);
    assert.equal(m.type, answer, `${this.label}: ${type} ${JSON.stringify(fields)} -> ${JSON.stringify(m)}`);
    return m;
  }

  // request() that must fail with this error code.
  async fails(type, fields, code, timeoutMs = WAIT_MS) {
    const m = await this.request(type, fields, timeoutMs);
    assert.equal(m.type, 'error', `${this.label}: ${type} should fail with ${code}, got ${JSON.stringify(m)}`);
    assert.equal(m.error?.code, code, `${this.label}: ${type}: ${JSON.stringify(m)}`);
    assert.equal(typeof m.error.message, 'string');
    return m;
  }

  // Asserts that no inbox message matching fn arrives within ms (already-received ones count).
  async none(fn, what, ms = 500) {
    await sleep(ms);
    const hit = this.inbox.find(fn);
    assert.ok(!hit, `${this.label}: unexpected ${what}: ${JSON.stringify(hit)}`);
  }

  // Resolves {code, reason} when the server closes, bounded.
  async waitClose(timeoutMs = WAIT_MS) {
    let t;
    const timeout = new Promise((_, rej) => {
      t = setTimeout(() => rej(new Error(`${this.label}: not closed within ${timeoutMs} ms; got ${this.dump()}`)), timeoutMs);
    });
    try { return await Promise.race([this.closed, timeout]); } finally { clearTimeout(t); }
  }

  drain() { const d = this.inbox; this.inbox = []; return d; }

  dump() {
    const s = JSON.stringify(this.inbox.map(({ _at, ...m }) => m));
    return s.length > 1500 ? s.slice(0, 1500) + '...' : s;
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }

  terminate() { this.ws.terminate(); }
}

// Connects with a fresh token for identity and joins; returns {c, p (own participant), joined}.
export async function joinAs(vox, org, roomId, identity, grants = {}, joinFields = {}, extra = {}) {
  const token = await mintToken(org, roomId, identity, grants, extra);
  const c = await Client.connect(vox, token, identity);
  const joined = await c.request('join', joinFields);
  assert.ok(joined.type === 'joined' || joined.type === 'waiting', `${identity}: join -> ${JSON.stringify(joined)}`);
  c.token = token;
  c.p = joined.participant;
  c.joined = joined;
  return c;
}
