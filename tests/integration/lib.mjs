// SPDX-License-Identifier: MIT
// Integration test harness: starts the real voxd on a free loopback port with a fresh data
// dir, talks to it over HTTP, and on stop checks that it exited cleanly with no sanitizer
// report in its log.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
const VOXD = process.env.VOXD || new URL('../../build/voxd', import.meta.url).pathname;

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Voxd {
  constructor(extraArgs = []) {
    this.dataDir = mkdtempSync(join(tmpdir(), 'vox-it-'));
    this.extraArgs = extraArgs;
    this.logPath = join(this.dataDir, 'voxd.log');
    this.proc = null;
  }

  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const fd = openSync(this.logPath, 'a');
    this.proc = spawn(VOXD, ['--listen', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir,
      '--admin-token', ADMIN_TOKEN, '--rtc-port', '0', '--media-workers', '1', ...this.extraArgs], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, sig) => resolve({ code, sig })));
    const deadline = Date.now() + 15000;
    for (;;) {
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.status === 200) return this;
      } catch { /* not up yet */ }
      if (Date.now() > deadline) throw new Error(`voxd did not start:\n${this.log()}`);
      await sleep(50);
    }
  }

  log() {
    try { return readFileSync(this.logPath, 'utf8'); } catch { return ''; }
  }

  // SIGTERM, wait for a clean exit, and fail on any sanitizer report.
  async stop() {
    if (!this.proc) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15000);
    const { code, sig } = await this.exited;
    clearTimeout(t);
    this.proc = null;
    const log = this.log();
    assert.ok(!/AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/.test(log),
      `sanitizer report in voxd log:\n${log}`);
    assert.equal(sig, null, `voxd died from ${sig}:\n${log}`);
    assert.equal(code, 0, `voxd exited ${code}:\n${log}`);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  async destroy() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  // Raw request: returns {status, headers, body (parsed JSON when possible), text}.
  async req(method, path, { auth, body, raw, headers = {} } = {}) {
    const h = { ...headers };
    if (auth) h.authorization = auth;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const r = await fetch(this.url + path, { method, headers: h, body: payload });
    const text = await r.text();
    let json;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: r.status, headers: r.headers, body: json, text };
  }

  admin(method, path, body) {
    return this.req(method, path, { auth: `Bearer ${ADMIN_TOKEN}`, body });
  }

  // Creates an org and returns a client bound to its first api key.
  async newOrg(name = 'org') {
    const r = await this.admin('POST', '/v1/orgs', { name });
    assert.equal(r.status, 201, r.text);
    const key = r.body.api_key;
    return new OrgClient(this, r.body, key.id, key.secret);
  }
}

export class OrgClient {
  constructor(voxd, org, keyId, secret) {
    this.voxd = voxd;
    this.org = org;
    this.keyId = keyId;
    this.secret = secret;
    this.auth = 'Basic ' + Buffer.from(`${keyId}:${secret}`).toString('base64');
  }

  req(method, path, body, opts = {}) {
    return this.voxd.req(method, path, { auth: this.auth, body, ...opts });
  }

  // Helpers that assert success and return the parsed body.
  async ok(method, path, body, status = [200, 201, 204]) {
    const r = await this.req(method, path, body);
    assert.ok([].concat(status).includes(r.status), `${method} ${path} -> ${r.status} ${r.text}`);
    return r.body;
  }

  createRoom(fields = {}) {
    return this.ok('POST', '/v1/rooms', { name: `room-${Math.random().toString(36).slice(2)}`, type: 'voice', ...fields });
  }

  // Mints an access token and returns the Bearer header value for it.
  async tokenAuth(roomId, identity, grants = {}, extra = {}) {
    const t = await this.ok('POST', '/v1/tokens', { identity, room_id: roomId, grants, ...extra });
    return `Bearer ${t.token}`;
  }
}

// Asserts an API error answer: status, code and (optionally) field.
export function assertError(r, status, code, field) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.status} ${r.text}`);
  assert.ok(r.body && r.body.error, `no error object in ${r.text}`);
  if (code) assert.equal(r.body.error.code, code, r.text);
  if (field !== undefined) assert.equal(r.body.error.field, field, r.text);
  assert.equal(typeof r.body.error.message, 'string');
}
