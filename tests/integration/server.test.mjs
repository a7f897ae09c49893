// SPDX-License-Identifier: MIT
// The voxd process: --help, bad flags, config file < environment < flags, JSON logs, a taken
// port, graceful SIGTERM, and a restart that keeps every kind of data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { Voxd, freePort, assertError } from './lib.mjs';

const VOXD = process.env.VOXD || new URL('../../build/voxd', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('--help lists every documented option; unknown flags and bad values exit 2', () => {
  const h = spawnSync(VOXD, ['--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  for (const f of ['--listen', '--data-dir', '--admin-token', '--log-format', '--config', 'VOX_LISTEN', 'VOX_DATA_DIR', 'VOX_ADMIN_TOKEN'])
    assert.ok(h.stdout.includes(f), `--help lacks ${f}`);
  assert.equal(spawnSync(VOXD, ['--bogus'], { encoding: 'utf8' }).status, 2);
  const bad = spawnSync(VOXD, ['--listen', 'nope'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /HOST:PORT/);
  const range = spawnSync(VOXD, ['--presence-timeout', '0'], { encoding: 'utf8' });
  assert.equal(range.status, 2);
});

async function waitHealthy(port) {
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return true; } catch { /* not yet */ }
    await sleep(50);
  }
  return false;
}

async function runUntilHealthy(args, env, port) {
  const p = spawn(VOXD, ['--rtc-port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => p.once('exit', (code) => r(code)));
  const up = await waitHealthy(port);
  p.kill('SIGTERM');
  const code = await exited;
  return { up, code, err };
}

test('config file < environment < flags, and JSON logs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vox-cfg-'));
  try {
    const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
    const cfg = join(dir, 'voxd.conf');
    writeFileSync(cfg, `# test config\nlisten = 127.0.0.1:${p1}\nlog-format = json\ndata-dir = ${dir}/data\n`);
    const fromFile = await runUntilHealthy(['--config', cfg], {}, p1);
    assert.ok(fromFile.up, fromFile.err);
    assert.equal(fromFile.code, 0);
    const lines = fromFile.err.trim().split('\n');
    for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `not JSON: ${l}`);
    assert.ok(lines.some((l) => JSON.parse(l).msg === 'voxd stopped'));
    const fromEnv = await runUntilHealthy(['--config', cfg], { VOX_LISTEN: `127.0.0.1:${p2}` }, p2);
    assert.ok(fromEnv.up, fromEnv.err);
    const fromFlag = await runUntilHealthy(['--config', cfg, '--listen', `127.0.0.1:${p3}`, '--log-format', 'text'],
      { VOX_LISTEN: `127.0.0.1:${p2}` }, p3);
    assert.ok(fromFlag.up, fromFlag.err);
    assert.match(fromFlag.err, /info  voxd listening/);
    writeFileSync(cfg, 'colour = blue\n');
    const bad = spawnSync(VOXD, ['--config', cfg], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option "colour"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken port is an error, not a silent start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vox-port-'));
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const r = spawnSync(VOXD, ['--listen', `127.0.0.1:${srv.address().port}`, '--data-dir', dir], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot listen/);
    assert.doesNotMatch(r.stderr, /Sanitizer|runtime error/);
  } finally {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a restart keeps orgs, keys, rooms, categories, sessions, participants, stage requests and events', async () => {
  const vox = await new Voxd().start();
  try {
    const o = await vox.newOrg('durable');
    const cat = await o.ok('POST', '/v1/categories', { name: 'Talks', position: 1 });
    const room = await o.createRoom({ type: 'stage', persistent: true, category_id: cat.id, metadata: { k: 'v' } });
    const host = await o.ok('POST', `/v1/rooms/${room.id}/participants`, { identity: 'host', role: 'host' });
    const aud = await o.ok('POST', `/v1/rooms/${room.id}/participants`, { identity: 'aud' });
    const req = await o.ok('POST', `/v1/rooms/${room.id}/stage/requests`, { participant_id: aud.id });
    const token = await o.tokenAuth(room.id, 'late');
    const before = await o.ok('GET', `/v1/events?room_id=${room.id}&limit=500`);

    await vox.restart();

    assert.deepEqual(await o.ok('GET', `/v1/rooms/${room.id}`), room);
    assert.equal((await o.ok('GET', `/v1/categories/${cat.id}`)).name, 'Talks');
    assert.equal((await o.ok('GET', `/v1/participants/${host.id}`)).status, 'connected');
    assert.equal((await o.ok('GET', `/v1/stage/requests/${req.id}`)).state, 'pending');
    assert.equal((await o.ok('GET', `/v1/sessions/${host.session_id}`)).state, 'active');
    const after = await o.ok('GET', `/v1/events?room_id=${room.id}&limit=500`);
    assert.deepEqual(after.events.slice(0, before.events.length), before.events);
    // The key secret was sealed with the master key in the data dir, so old tokens verify.
    const j = await vox.req('POST', `/v1/rooms/${room.id}/participants`, { auth: token, body: {} });
    assert.equal(j.status, 201, j.text);
    const ch = await o.ok('GET', '/v1/channels');
    assert.equal(ch.categories[0].channels[0].participant_count, 3);
  } finally {
    await vox.destroy();
  }
});

test('bad credentials on a restarted server still answer 401', async () => {
  const vox = await new Voxd().start();
  try {
    const o = await vox.newOrg('x');
    await vox.restart();
    assertError(await vox.req('GET', '/v1/org', { auth: 'Basic ' + Buffer.from(`${o.keyId}:nope`).toString('base64') }), 401, 'unauthorized');
    assert.equal((await o.req('GET', '/v1/org')).status, 200);
  } finally {
    await vox.destroy();
  }
});

// Connects, optionally sends bytes, and collects what comes back until the server closes or
// ms pass.
function rawExchange(port, bytes, ms = 2000) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { if (bytes) s.write(bytes); });
    let out = '';
    const done = (how) => { clearTimeout(t); s.destroy(); resolve({ out, how }); };
    const t = setTimeout(() => done('timeout'), ms);
    s.on('data', (d) => { out += d.toString('latin1'); });
    s.on('end', () => done('closed'));
    s.on('error', () => done('error'));
  });
}

test('--max-connections: one more is answered 503 and closed; a freed slot is usable again', async () => {
  const vox = await new Voxd(['--max-connections', '3']).start();
  try {
    // The harness's own keep-alive connection may hold a slot: open idle sockets until one
    // is refused, which must happen by the fourth.
    const idle = [];
    let over = null;
    for (let i = 0; i < 4 && !over; i++) {
      const s = net.connect(vox.port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => { got += d.toString('latin1'); });
      await new Promise((r) => s.once('connect', r));
      await sleep(150);
      if (got) over = got;
      idle.push(s);
    }
    assert.ok(over, 'no connection was refused');
    assert.match(over, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(over, /\r\nConnection: close\r\n/);
    assert.match(over, /\r\nRetry-After: 1\r\n/);
    assert.match(over, /"code":"too_many_connections"/);
    for (const s of idle) s.destroy();
    await sleep(300);
    const ok = await rawExchange(vox.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(ok.out, /^HTTP\/1\.1 200 OK\r\n/);
    for (const s of idle) s.destroy();
  } finally {
    await vox.destroy();
  }
});
