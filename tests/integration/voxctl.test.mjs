// SPDX-License-Identifier: MIT
// voxctl against a real voxd: every command group, table/key-value/--json output, usage errors
// (exit 2, nothing sent), server errors (exit 1 with code and field), local token minting, and
// the command table checked against the server's OpenAPI document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Voxd, ADMIN_TOKEN } from './lib.mjs';

const root = new URL('../../', import.meta.url).pathname;
const asan = (process.env.VOXD || '').includes('/build-asan/');
const VOXCTL = process.env.VOXCTL || `${root}${asan ? 'build-asan' : 'build'}/voxctl`;
const NOWHERE = 'http://127.0.0.1:1'; // refuses connections: a usage error must not get there
const SANITIZER = /AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer/;

let vox;
let org; // {id, keyId, secret}

before(async () => {
  vox = await new Voxd().start();
  const r = await ctl(['org', 'create', '--name', 'ctl-main', '--json'], { admin: true });
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  org = { id: o.id, keyId: o.api_key.id, secret: o.api_key.secret };
});
after(async () => { await vox.destroy(); });

// Runs voxctl with a clean VOX_* environment; {key, admin, token, url, env} pick credentials.
function ctl(args, opts = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VOX_')));
  env.VOX_URL = opts.url || vox.url;
  if (opts.admin) env.VOX_ADMIN_TOKEN = ADMIN_TOKEN;
  if (opts.key !== false && org) {
    env.VOX_API_KEY = opts.keyId || org.keyId;
    env.VOX_API_SECRET = opts.secret || org.secret;
  }
  if (opts.token) env.VOX_ACCESS_TOKEN = opts.token;
  Object.assign(env, opts.env || {});
  return new Promise((resolve) => {
    execFile(VOXCTL, args, { env, timeout: 20000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      assert.ok(!SANITIZER.test(stderr), `sanitizer report from voxctl ${args.join(' ')}:\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

async function ok(args, opts) {
  const r = await ctl(args, opts);
  assert.equal(r.code, 0, `voxctl ${args.join(' ')} -> ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function okJson(args, opts) {
  return JSON.parse(await ok([...args, '--json'], opts));
}

// Asserts exit 1 with "error: <code>: ... (field: <field>)" on stderr.
async function serverError(args, code, field, opts) {
  const r = await ctl(args, opts);
  assert.equal(r.code, 1, `expected exit 1 for ${args.join(' ')}, got ${r.code}\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^error: ${code}: .+`, 'm'), r.stderr);
  if (field) assert.match(r.stderr, new RegExp(`\\(field: ${field.replace('.', '\\.')}\\)`), r.stderr);
  return r;
}

// Asserts exit 2 with the message, and that nothing was sent (the url refuses connections).
async function usageError(args, re, opts = {}) {
  const r = await ctl(args, { url: NOWHERE, ...opts });
  assert.equal(r.code, 2, `expected exit 2 for ${args.join(' ')}, got ${r.code}\n${r.stdout}${r.stderr}`);
  assert.match(r.stderr, re);
  assert.doesNotMatch(r.stderr, /connection/);
  return r;
}

// "key: value" lines into an object.
function kv(text) {
  const o = {};
  for (const line of text.split('\n')) {
    const m = /^([\w.]+):\s+(.*)$/.exec(line);
    if (m) o[m[1]] = m[2];
  }
  return o;
}

// An aligned table into {head: [...], rows: [[...]]}.
function table(text) {
  const lines = text.trimEnd().split('\n');
  const split = (l) => l.trim().split(/\s{2,}/);
  return { head: split(lines[0]), rows: lines.slice(1).map(split) };
}

const uniq = (p) => `${p}-${Math.random().toString(36).slice(2, 8)}`;

async function newRoom(extra = []) {
  return okJson(['room', 'create', '--name', uniq('r'), '--type', 'voice', ...extra]);
}

function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

test('help at every level, generated from the table', async () => {
  const top = await ok(['--help']);
  for (const g of ['org', 'key', 'token', 'room', 'session', 'participant', 'stage', 'category',
    'channels', 'events', 'analytics', 'server']) assert.match(top, new RegExp(`^  ${g} `, 'm'));
  const cmds = JSON.parse(await ok(['--dump-table']));
  const groups = [...new Set(cmds.map((c) => c.group))];
  for (const g of groups) {
    const verbs = cmds.filter((c) => c.group === g && c.verb);
    if (!verbs.length) continue;
    const h = await ok([g, '--help']);
    for (const c of verbs) assert.match(h, new RegExp(`^  ${c.verb} `, 'm'), `${g} --help lists ${c.verb}`);
  }
  for (const c of cmds) {
    const args = c.verb ? [c.group, c.verb, '--help'] : [c.group, '--help'];
    const h = await ok(args);
    assert.match(h, new RegExp(`usage: voxctl ${c.group}${c.verb ? ' ' + c.verb : ''}`), h);
    for (const f of [...c.body, ...c.query]) assert.ok(h.includes(`--${f.flag} <${f.type}>`), `${args} shows --${f.flag}`);
    if (c.method) assert.ok(h.includes(`${c.method} ${c.path}`), h);
  }
  const rc = await ok(['room', 'create', '--help']);
  assert.match(rc, /--max-participants <int>/);
  assert.match(rc, /--persistent <bool>/);
  assert.match(rc, /--metadata <json>/);
  assert.match(rc, /--name <string> +required/);
  const bare = await ctl([], { url: NOWHERE });
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /usage: voxctl/);
});

test('the command table matches the server routes and body tables', async () => {
  const cmds = JSON.parse(await ok(['--dump-table']));
  const doc = (await vox.req('GET', '/v1/openapi.json')).body;
  const ops = new Set();
  for (const [path, item] of Object.entries(doc.paths))
    for (const m of Object.keys(item)) ops.add(`${m.toUpperCase()} ${path}`);
  const mine = new Set();
  for (const c of cmds.filter((x) => x.method)) {
    const k = `${c.method} ${c.path}`;
    mine.add(k);
    assert.ok(ops.has(k), `voxctl ${c.group} ${c.verb}: ${k} is not a server route`);
    const op = doc.paths[c.path][c.method.toLowerCase()];
    const schema = op.requestBody?.content?.['application/json']?.schema || {};
    const props = Object.keys(schema.properties || {});
    const top = c.body.map((f) => f.json.split('.')[0]);
    for (const t of top) assert.ok(props.includes(t), `${k}: body member ${t} unknown to the server`);
    for (const p of props) assert.ok(top.includes(p), `${k}: no flag for body member ${p}`);
    const req = c.body.filter((f) => f.required).map((f) => f.json).sort();
    assert.deepEqual(req, [...(schema.required || [])].sort(), `${k}: required members differ`);
  }
  for (const k of ops) assert.ok(mine.has(k), `no voxctl command for ${k}`);
});

test('docs/VOXCTL.md covers every command', async () => {
  const doc = readFileSync(`${root}docs/VOXCTL.md`, 'utf8');
  const cmds = JSON.parse(await ok(['--dump-table']));
  for (const c of cmds) {
    const name = `voxctl ${c.group}${c.verb ? ' ' + c.verb : ''}`;
    assert.ok(doc.includes(`### \`${name}`), `docs/VOXCTL.md has a section for ${name}`);
  }
});

test('org commands: create prints the first key, list, get, key-create, delete', async () => {
  const out = await ok(['org', 'create', '--name', 'Acme Ltd', '--metadata', '{"tier":"gold"}'], { admin: true, key: false });
  const o = kv(out);
  assert.match(o.id, /^[0-9a-f-]{36}$/);
  assert.equal(o.name, 'Acme Ltd');
  assert.equal(o['metadata.tier'], 'gold');
  assert.match(o['api_key.id'], /^AK[A-Z2-9]{20}$/);
  assert.ok(o['api_key.secret'].length > 20);
  // The printed key works.
  const self = await okJson(['org', 'self'], { keyId: o['api_key.id'], secret: o['api_key.secret'] });
  assert.equal(self.id, o.id);

  const list = table(await ok(['org', 'list', '--limit', '500'], { admin: true }));
  assert.deepEqual(list.head, ['ID', 'NAME', 'CREATED']);
  assert.ok(list.rows.some((r) => r[0] === o.id && r[1] === 'Acme Ltd'));
  assert.equal(kv(await ok(['org', 'get', o.id], { admin: true })).name, 'Acme Ltd');
  const k2 = await okJson(['org', 'key-create', '--org-id', o.id, '--name', 'ci'], { admin: true });
  assert.equal(k2.org_id, o.id);
  assert.ok(k2.secret);
  assert.equal((await ok(['org', 'delete', o.id], { admin: true })).trim(), 'ok');
  await serverError(['org', 'get', o.id], 'not_found', null, { admin: true });
  await usageError(['org', 'list'], /needs --admin-token/);
  await serverError(['org', 'list'], 'unauthorized', null, { env: { VOX_ADMIN_TOKEN: 'wrong' } });
});

test('key commands: list, create, revoke', async () => {
  const k = kv(await ok(['key', 'create', '--name', 'backend']));
  assert.match(k.id, /^AK/);
  assert.ok(k.secret);
  const list = table(await ok(['key', 'list']));
  assert.deepEqual(list.head, ['ID', 'NAME', 'CREATED', 'REVOKED']);
  assert.ok(list.rows.some((r) => r[0] === k.id && r[1] === 'backend' && r[3] === '-'));
  assert.equal((await ok(['key', 'revoke', k.id])).trim(), 'ok');
  const after = (await okJson(['key', 'list'])).keys.find((x) => x.id === k.id);
  assert.ok(after.revoked_at);
  await serverError(['org', 'self'], 'unauthorized', null, { keyId: k.id, secret: k.secret });
  await serverError(['key', 'revoke', org.keyId], 'conflict', 'key_id');
});

test('room commands: create, list, get, update, delete with table and JSON output', async () => {
  const name = uniq('standup');
  const created = kv(await ok(['room', 'create', '--name', name, '--type', 'voice',
    '--max-participants', '10', '--persistent', '--metadata', '{"team":"core"}', '--recording-allowed', 'false']));
  const id = created.id;
  assert.equal(created.name, name);
  assert.equal(created.max_participants, '10');
  assert.equal(created.persistent, 'true');
  assert.equal(created.recording_allowed, 'false');
  assert.equal(created['metadata.team'], 'core');

  const list = table(await ok(['room', 'list', '--type', 'voice', '--limit', '500']));
  assert.deepEqual(list.head, ['ID', 'NAME', 'TYPE', 'MODE', 'LIMIT']);
  assert.deepEqual(list.rows.find((r) => r[0] === id), [id, name, 'voice', 'sfu', '10']);
  const js = await okJson(['room', 'list']);
  assert.ok(js.rooms.some((r) => r.id === id));
  assert.equal(js.limit, 50);

  const got = await okJson(['room', 'get', id]);
  assert.equal(got.name, name);
  assert.deepEqual(got.metadata, { team: 'core' });
  const upd = await okJson(['room', 'update', id, '--password', 'hunter22', '--waiting-room', 'true', '--bitrate=32000']);
  assert.equal(upd.has_password, true);
  assert.equal(upd.waiting_room, true);
  assert.equal(upd.bitrate, 32000);
  const cleared = await okJson(['room', 'update', '--room-id', id, '--password', 'null']);
  assert.equal(cleared.has_password, false);
  assert.equal((await ok(['room', 'delete', id])).trim(), 'ok');
  await serverError(['room', 'get', id], 'not_found');
});

test('server errors exit 1 with code, message and field; --json also prints the error body', async () => {
  await serverError(['room', 'create', '--name', 'x', '--type', 'nope'], 'invalid_value', 'type');
  const r = await newRoom();
  await serverError(['room', 'create', '--name', r.name, '--type', 'voice'], 'name_taken', 'name');
  await serverError(['room', 'create', '--name', 'y', '--type', 'voice', '--bitrate', '5'], 'out_of_range', 'bitrate');
  await serverError(['room', 'get', 'not-a-uuid'], 'invalid_uuid', 'room_id');
  await serverError(['room', 'update', r.id, '--metadata', '[1]'], 'invalid_type', 'metadata');
  const j = await ctl(['room', 'create', '--name', r.name, '--type', 'voice', '--json']);
  assert.equal(j.code, 1);
  assert.equal(JSON.parse(j.stdout).error.code, 'name_taken');
  await serverError(['room', 'list'], 'unauthorized', null, { secret: 'wrong' });
  const down = await ctl(['room', 'list'], { url: NOWHERE });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^error: connection: /m);
});

test('usage errors exit 2 before anything is sent', async () => {
  await usageError(['room', 'create', '--name', 'x', '--type', 'voice', '--bogus', '1'], /unknown flag --bogus/);
  await usageError(['room', 'create', '--name', 'x'], /missing --type/);
  await usageError(['room', 'update', 'id', '--max-participants', 'ten'], /--max-participants expects an integer/);
  await usageError(['room', 'update', 'id', '--persistent', 'maybe'], /unexpected argument 'maybe'/);
  await usageError(['room', 'update', 'id', '--metadata', '{oops'], /--metadata expects JSON/);
  await usageError(['room', 'get'], /missing <room_id>/);
  await usageError(['room', 'get', 'a', 'b'], /unexpected argument 'b'/);
  await usageError(['room', 'frobnicate'], /unknown command 'room frobnicate'/);
  await usageError(['nosuch', 'list'], /unknown command group 'nosuch'/);
  await usageError(['room'], /missing command/);
  await usageError(['room', 'list', '--url'], /--url needs a value/);
  await usageError(['token', 'create', '--room-id', 'r', '--identity', 'a', '--grant', 'publish'], /--grant expects key=value/);
  await usageError(['room', 'list'], /needs --key-id and --secret/, { key: false });
  await usageError(['token', 'mint', '--room-id', 'r', '--identity', 'a'], /needs --key-id and --secret/, { key: false });
  await usageError(['--nope', 'room', 'list'], /unknown flag --nope/);
  const r = await usageError(['room', 'create', '--name', 'x', '--type', 'voice', '--bogus'], /unknown flag/);
  assert.match(r.stderr, /Run 'voxctl room create --help'/);
});

test('token create and token mint carry the same claims, and both are accepted', async () => {
  const room = await newRoom();
  const server = await okJson(['token', 'create', '--room-id', room.id, '--identity', 'alice',
    '--name', 'Alice', '--ttl', '600', '--role', 'viewer', '--grant', 'publish=false', '--grant', 'publish_data=true',
    '--metadata', 'm1']);
  const local = await okJson(['token', 'mint', '--room-id', room.id, '--identity', 'alice',
    '--name', 'Alice', '--ttl', '600', '--role', 'viewer', '--grant', 'publish=false', '--grant', 'publish_data=true',
    '--metadata', 'm1']);
  const strip = (c) => { const { jti, iat, nbf, exp, ...rest } = c; return { ...rest, life: exp - iat, nbfIsIat: nbf === iat }; };
  assert.deepEqual(strip(claimsOf(local.token)), strip(claimsOf(server.token)));
  assert.equal(claimsOf(local.token).iss, org.keyId);
  assert.deepEqual(local.grants, server.grants);
  assert.equal(local.grants.role, 'viewer');
  assert.equal(local.grants.publish, false);
  const header = JSON.parse(Buffer.from(local.token.split('.')[0], 'base64url').toString());
  assert.equal(header.kid, org.keyId);

  // The server accepts the locally minted token: join as that participant, through voxctl and fetch.
  const viaCtl = await okJson(['participant', 'join', room.id], { token: local.token, key: false });
  assert.equal(viaCtl.identity, 'alice');
  assert.equal(viaCtl.role, 'viewer');
  const r = await vox.req('GET', `/v1/sessions/${viaCtl.session_id}`, { auth: `Bearer ${local.token}` });
  assert.equal(r.status, 200, r.text);

  // decode shows the claims and checks the signature with the secret it is given.
  const d = await okJson(['token', 'decode', local.token]);
  assert.equal(d.claims.sub, 'alice');
  assert.equal(d.signature, 'valid');
  assert.equal((await okJson(['token', 'decode', server.token])).signature, 'valid');
  assert.equal((await okJson(['token', 'decode', local.token], { secret: 'other' })).signature, 'bad signature');
  assert.equal((await okJson(['token', 'decode', local.token], { key: false })).signature, 'unchecked');
  await serverError(['token', 'decode', 'abc'], 'invalid_token');

  // A token signed with the wrong secret is refused by the server.
  const forged = await okJson(['token', 'mint', '--room-id', room.id, '--identity', 'mallory'], { secret: 'not-the-secret' });
  await serverError(['participant', 'join', room.id], 'unauthorized', null, { token: forged.token, key: false });
  // Local checks mirror the server's body rules.
  await serverError(['token', 'mint', '--room-id', 'nope', '--identity', 'a'], 'invalid_uuid', 'room_id');
  await serverError(['token', 'mint', '--room-id', room.id, '--identity', 'a', '--ttl', '1'], 'out_of_range', 'ttl');
  await serverError(['token', 'mint', '--room-id', room.id, '--identity', 'a', '--role', 'king'], 'invalid_value', 'grants.role');
  await serverError(['token', 'create', '--room-id', room.id, '--identity', 'a', '--role', 'king'], 'invalid_value', 'grants.role');
  await serverError(['token', 'create', '--room-id', '00000000-0000-4000-8000-000000000000', '--identity', 'a'], 'not_found');
});

test('session commands: create, list, get, lifecycle, participants, events', async () => {
  const room = await newRoom();
  const s = await okJson(['session', 'create', '--room-id', room.id, '--scheduled-at', '2030-01-02T03:04:05Z']);
  assert.equal(s.state, 'scheduled');
  assert.equal(s.scheduled_at, '2030-01-02T03:04:05.000Z');
  const list = table(await ok(['session', 'list', '--room-id', room.id]));
  assert.deepEqual(list.head, ['ID', 'ROOM', 'STATE', 'PARTICIPANTS', 'STARTED']);
  assert.deepEqual(list.rows[0].slice(0, 3), [s.id, room.id, 'scheduled']);
  assert.equal((await okJson(['room', 'sessions', room.id, '--state', 'scheduled'])).sessions[0].id, s.id);
  assert.equal(kv(await ok(['session', 'get', s.id])).state, 'scheduled');
  assert.equal((await okJson(['session', 'prepare', s.id])).state, 'ready');
  assert.equal((await okJson(['session', 'start', s.id])).state, 'active');
  assert.equal((await okJson(['session', 'pause', s.id])).state, 'paused');
  await serverError(['session', 'pause', s.id], 'invalid_transition');
  assert.equal((await okJson(['session', 'resume', s.id])).state, 'active');
  await okJson(['participant', 'join', room.id, '--identity', 'bob']);
  const ps = table(await ok(['session', 'participants', s.id]));
  assert.deepEqual(ps.head, ['ID', 'IDENTITY', 'NAME', 'ROLE', 'STATUS']);
  assert.equal(ps.rows[0][1], 'bob');
  assert.equal((await okJson(['session', 'end', s.id])).state, 'completed');
  const ev = await okJson(['session', 'events', s.id, '--type', 'session.*']);
  assert.deepEqual(ev.events.map((e) => e.type).filter((t) => t !== 'session.created'),
    ['session.prepared', 'session.started', 'session.paused', 'session.resumed', 'session.ended']);
  const s2 = await okJson(['session', 'create', room.id, '--scheduled-at', String(Date.now() + 3600e3)]);
  assert.equal((await okJson(['session', 'cancel', s2.id])).state, 'cancelled');
  const s3 = await okJson(['session', 'create', room.id]);
  await okJson(['session', 'start', s3.id]);
  assert.equal((await okJson(['session', 'fail', s3.id])).state, 'failed');
  await serverError(['session', 'get', '00000000-0000-4000-8000-000000000000'], 'not_found');
});

test('participant commands: join, list, get, update, heartbeat, move, remove, leave, admit, deny', async () => {
  const room = await newRoom();
  const other = await newRoom();
  const host = await okJson(['participant', 'join', '--room-id', room.id, '--identity', 'host', '--role', 'host', '--audio']);
  assert.equal(host.media.audio, true);
  assert.equal(host.status, 'connected');
  const guest = kv(await ok(['participant', 'join', room.id, '--identity', 'guest', '--name', 'Guest One',
    '--metadata', '{"seat":3}', '--device', 'laptop', '--recording-consent']));
  assert.equal(guest.name, 'Guest One');
  assert.equal(guest['metadata.seat'], '3');
  assert.equal(guest.recording_consent, 'true');
  const list = table(await ok(['participant', 'list', '--room-id', room.id, '--status', 'present']));
  assert.deepEqual(list.head, ['ID', 'IDENTITY', 'NAME', 'ROLE', 'STATUS']);
  assert.deepEqual(list.rows.map((r) => r[1]).sort(), ['guest', 'host']);
  assert.equal((await okJson(['participant', 'get', guest.id])).identity, 'guest');
  const muted = await okJson(['participant', 'update', guest.id, '--server-mute', 'true', '--volume', '50']);
  assert.equal(muted.media.server_mute, true);
  assert.equal(muted.media.volume, 50);
  await serverError(['participant', 'update', guest.id, '--volume', '900'], 'out_of_range', 'volume');
  await ok(['participant', 'heartbeat', guest.id]);
  const moved = await okJson(['participant', 'move', guest.id, '--room-id', other.id]);
  assert.equal(moved.room_id, other.id);
  const kicked = await okJson(['participant', 'remove', moved.id, '--reason', 'spam']);
  assert.equal(kicked.status, 'removed');
  assert.equal((await okJson(['participant', 'leave', host.id])).status, 'left');

  const lobby = await newRoom(['--waiting-room', 'true']);
  await okJson(['participant', 'join', lobby.id, '--identity', 'h', '--role', 'host']);
  const w1 = await okJson(['participant', 'join', lobby.id, '--identity', 'w1']);
  const w2 = await okJson(['participant', 'join', lobby.id, '--identity', 'w2']);
  assert.equal(w1.status, 'waiting');
  assert.notEqual((await okJson(['participant', 'admit', w1.id])).status, 'waiting');
  assert.equal((await okJson(['participant', 'deny', w2.id])).status, 'denied');
  await serverError(['participant', 'admit', w2.id], 'participant_gone');
});

test('stage commands: request, requests, get, approve, deny, cancel, demote, add-moderator', async () => {
  const stage = await okJson(['room', 'create', '--name', uniq('stage'), '--type', 'stage']);
  await okJson(['participant', 'join', stage.id, '--identity', 'mod', '--role', 'host']);
  const tokenFor = async (id) => (await okJson(['token', 'mint', '--room-id', stage.id, '--identity', id])).token;
  const aliceTok = await tokenFor('alice');
  const alice = await okJson(['participant', 'join', stage.id], { token: aliceTok, key: false });
  assert.equal(alice.role, 'audience');
  const bob = await okJson(['participant', 'join', stage.id, '--identity', 'bob']);
  const carol = await okJson(['participant', 'join', stage.id, '--identity', 'carol']);

  const req = kv(await ok(['stage', 'request', stage.id], { token: aliceTok, key: false }));
  assert.equal(req.state, 'pending');
  const reqs = table(await ok(['stage', 'requests', stage.id, '--state', 'pending']));
  assert.deepEqual(reqs.head, ['ID', 'PARTICIPANT', 'IDENTITY', 'STATE', 'CREATED']);
  assert.deepEqual(reqs.rows[0].slice(0, 4), [req.id, alice.id, 'alice', 'pending']);
  assert.equal((await okJson(['stage', 'get', req.id])).state, 'pending');
  assert.equal((await okJson(['stage', 'approve', req.id])).state, 'approved');
  assert.equal((await okJson(['participant', 'get', alice.id])).role, 'speaker');
  await serverError(['stage', 'approve', req.id], 'request_not_pending');
  assert.equal((await okJson(['stage', 'demote', stage.id, alice.id])).role, 'audience');

  const r2 = await okJson(['stage', 'request', stage.id, '--participant-id', bob.id]);
  assert.equal((await okJson(['stage', 'deny', r2.id])).state, 'denied');
  const r3 = await okJson(['stage', 'request', '--room-id', stage.id, '--participant-id', carol.id]);
  assert.equal((await okJson(['stage', 'cancel', '--request-id', r3.id])).state, 'cancelled');
  const m = await okJson(['stage', 'add-moderator', stage.id, '--participant-id', bob.id]);
  assert.equal(m.id, bob.id);
  await usageError(['stage', 'add-moderator', stage.id], /missing --participant-id/);
});

test('category and channels commands', async () => {
  const cat = kv(await ok(['category', 'create', '--name', uniq('Lobby'), '--position', '2']));
  assert.equal(cat.position, '2');
  const list = table(await ok(['category', 'list']));
  assert.deepEqual(list.head, ['ID', 'NAME', 'POSITION']);
  assert.ok(list.rows.some((r) => r[0] === cat.id));
  assert.equal((await okJson(['category', 'update', cat.id, '--position', '5'])).position, 5);
  assert.equal((await okJson(['category', 'get', cat.id])).position, 5);
  const ch = await newRoom(['--persistent', '--category-id', cat.id]);
  const chans = table(await ok(['channels']));
  assert.deepEqual(chans.head, ['CATEGORY', 'ID', 'NAME', 'TYPE', 'PARTICIPANTS']);
  assert.deepEqual(chans.rows.find((r) => r[1] === ch.id), [cat.name, ch.id, ch.name, 'voice', '0']);
  const js = await okJson(['channels']);
  assert.ok(js.categories.find((c) => c.id === cat.id).channels.some((c) => c.id === ch.id));
  assert.equal((await okJson(['room', 'update', ch.id, '--category-id', 'null'])).category_id, null);
  assert.equal((await okJson(['room', 'list', '--category-id', cat.id])).rooms.length, 0);
  assert.equal((await ok(['category', 'delete', cat.id])).trim(), 'ok');
  await serverError(['category', 'get', cat.id], 'not_found');
  await serverError(['category', 'create', '--name', ' '], '\\w+', 'name');
});

test('events commands: filters, cursor, room and session scopes', async () => {
  const room = await newRoom();
  await okJson(['participant', 'join', room.id, '--identity', 'eve']);
  const all = await okJson(['events', '--room-id', room.id]);
  const types = all.events.map((e) => e.type);
  assert.ok(types.includes('room.created'));
  assert.ok(types.includes('participant.joined'));
  const t = table(await ok(['events', '--room-id', room.id, '--type', 'participant.*']));
  assert.deepEqual(t.head, ['SEQ', 'CREATED', 'TYPE', 'PARTICIPANT', 'DATA']);
  assert.ok(t.rows.every((r) => r[2].startsWith('participant.')));
  const first = await okJson(['events', '--room-id', room.id, '--limit', '1']);
  const rest = await okJson(['events', '--room-id', room.id, '--after', String(first.next_after)]);
  assert.equal(rest.events.length, all.events.length - 1);
  assert.deepEqual((await okJson(['room', 'events', room.id])).events.map((e) => e.id), all.events.map((e) => e.id));
  await serverError(['events', '--room-id', 'bad'], 'invalid_uuid', 'room_id');
  await serverError(['events', '--since', 'yesterday'], 'invalid_value', 'since');
});

test('analytics commands: summary, rooms, room', async () => {
  const room = await newRoom();
  await okJson(['participant', 'join', room.id, '--identity', 'ana']);
  const sum = kv(await ok(['analytics', 'summary', '--top', '3']));
  assert.ok(Number(sum.total_sessions) >= 1);
  const rooms = table(await ok(['analytics', 'rooms', '--days', '1', '--limit', '500']));
  assert.deepEqual(rooms.head, ['ROOM', 'NAME', 'TYPE', 'SESSIONS', 'TOTAL_MS', 'AVG_MS', 'PEAK']);
  assert.ok(rooms.rows.some((r) => r[0] === room.id && r[3] === '1'));
  const one = await ok(['analytics', 'room', room.id, '--days', '2']);
  assert.equal(kv(one).sessions, '1');
  assert.match(one, /^by_day:\nDATE +SESSIONS/m);
  assert.equal((await okJson(['analytics', 'room', room.id])).by_day.length, 7);
  await serverError(['analytics', 'rooms', '--days', '0'], 'out_of_range', 'days');
});

test('server commands: health, ready, metrics, openapi', async () => {
  assert.equal(kv(await ok(['server', 'health'], { key: false })).status, 'ok');
  assert.equal(kv(await ok(['server', 'ready'], { key: false })).status, 'ready');
  assert.match(await ok(['server', 'metrics'], { key: false }), /vox_http_requests_total/);
  assert.equal((await okJson(['server', 'openapi'], { key: false })).openapi, '3.0.3');
});
