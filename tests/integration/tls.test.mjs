// SPDX-License-Identifier: MIT
// HTTPS and WSS with --tls-cert/--tls-key: a self-signed certificate made by the openssl
// command for this run, trusted by the client as its CA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import WebSocket from 'ws';
import { freePort, ADMIN_TOKEN } from './lib.mjs';

const VOXD = process.env.VOXD || new URL('../../build/voxd', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let dir, cert, key, port, proc, exited;

function get(path, opts = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, ca: cert, servername: 'localhost', ...opts }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

function spawnVoxd(args) {
  const log = join(dir, `voxd-${Date.now()}.log`);
  const fd = openSync(log, 'a');
  const p = spawn(VOXD, ['--rtc-port', '0', ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { p, log, exited: new Promise((r) => p.once('exit', (code, sig) => r({ code, sig }))) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vox-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  key = join(dir, 'key.pem');
  port = await freePort();
  const v = spawnVoxd(['--listen', `127.0.0.1:${port}`, '--data-dir', dir, '--admin-token', ADMIN_TOKEN,
    '--tls-cert', join(dir, 'cert.pem'), '--tls-key', key]);
  proc = v.p;
  exited = v.exited;
  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      if ((await get('/healthz')).status === 200) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`voxd (TLS) did not start:\n${readFileSync(v.log, 'utf8')}`);
    await sleep(50);
  }
});

after(async () => {
  if (proc) {
    proc.kill('SIGTERM');
    const { code, sig } = await exited;
    assert.equal(sig, null);
    assert.equal(code, 0);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('HTTPS: requests, keep-alive and bodies over TLS', async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const h = await get('/healthz', { agent });
  assert.equal(h.status, 200);
  assert.equal(JSON.parse(h.body).status, 'ok');
  const org = await get('/v1/orgs', {
    agent, method: 'POST', body: JSON.stringify({ name: 'tls-org' }),
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
  });
  assert.equal(org.status, 201, org.body);
  const { api_key: k } = JSON.parse(org.body);
  const auth = 'Basic ' + Buffer.from(`${k.id}:${k.secret}`).toString('base64');
  const room = await get('/v1/rooms', {
    agent, method: 'POST', body: JSON.stringify({ name: 'r'.repeat(100), type: 'voice', metadata: { pad: 'm'.repeat(3000) } }),
    headers: { authorization: auth, 'content-type': 'application/json' },
  });
  assert.equal(room.status, 201, room.body);
  agent.destroy();
});

test('WSS: the signaling socket works over TLS', async () => {
  const org = JSON.parse((await get('/v1/orgs', {
    method: 'POST', body: JSON.stringify({ name: 'tls-ws' }), headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })).body);
  const auth = 'Basic ' + Buffer.from(`${org.api_key.id}:${org.api_key.secret}`).toString('base64');
  const room = JSON.parse((await get('/v1/rooms', {
    method: 'POST', body: JSON.stringify({ name: 'wss', type: 'voice' }), headers: { authorization: auth },
  })).body);
  const tok = JSON.parse((await get('/v1/tokens', {
    method: 'POST', body: JSON.stringify({ identity: 'alice', room_id: room.id }), headers: { authorization: auth },
  })).body);
  const ws = new WebSocket(`wss://127.0.0.1:${port}/v1/rtc?access_token=${tok.token}`, { ca: cert, servername: 'localhost' });
  const joined = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no joined over wss')), 5000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'join', id: 'j1' })));
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.id === 'j1') { clearTimeout(t); resolve(m); }
    });
    ws.on('error', reject);
  });
  assert.equal(joined.type, 'joined', JSON.stringify(joined));
  const closed = new Promise((r) => ws.once('close', (code) => r(code)));
  ws.close(1000);
  assert.equal(await closed, 1000);
});

test('a client that is not TLS, or breaks the handshake, costs voxd nothing', async () => {
  const plain = await new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca: Buffer.from('not a cert') });
    s.on('error', () => resolve('refused'));
    s.on('secureConnect', () => resolve('connected'));
  });
  assert.equal(plain, 'refused');
  const net = await import('node:net');
  await new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('data', () => {});
    s.on('close', resolve);
    s.on('error', resolve);
    s.setTimeout(3000, () => s.destroy());
  });
  assert.equal((await get('/healthz')).status, 200);
});

test('a missing or wrong certificate file stops voxd at start with a reason', async () => {
  const p2 = await freePort();
  const v = spawnVoxd(['--listen', `127.0.0.1:${p2}`, '--data-dir', dir, '--tls-cert', join(dir, 'nope.pem'), '--tls-key', key]);
  const { code } = await v.exited;
  assert.notEqual(code, 0);
  assert.match(readFileSync(v.log, 'utf8'), /TLS certificate/);
});
