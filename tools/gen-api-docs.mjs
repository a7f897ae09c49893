#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Generates docs/API.md: starts the real voxd, reads its OpenAPI document, runs a scripted
// scenario that calls every operation, and writes each endpoint with a live curl example.
// Usage: node tools/gen-api-docs.mjs [--stdout]   (VOXD=path/to/voxd to pick the binary)
// Imported (tests/integration/openapi.test.mjs), it exports the scenario: record() runs it
// against a started Voxd and returns every call made, success and error answers alike.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Voxd, ADMIN_TOKEN } from '../tests/integration/lib.mjs';

const OUT = new URL('../docs/API.md', import.meta.url).pathname;
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const KEY_RE = /\bAK[A-Z2-9]{20}\b/g;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const STATUS_TEXT = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

// ---------------------------------------------------------------------------------------------
// Placeholders: every id, key and secret the scenario meets is shown as a shell variable name.

const names = new Map(); // real value -> placeholder name (without '$')
const used = new Set();

function register(value, name) {
  if (!value || names.has(value)) return;
  let n = name, i = 2;
  while (used.has(n)) n = `${name}_${i++}`;
  names.set(value, n);
  used.add(n);
}

const ph = (value) => (names.has(value) ? `$${names.get(value)}` : value);

// Replaces every known value inside s, naming unknown UUIDs and key ids after hint.
function scrub(s, hint = 'ID') {
  if (typeof s !== 'string') return s;
  if (names.has(s)) return ph(s);
  s = s.replace(UUID_RE, (u) => {
    if (!names.has(u)) register(u, hint);
    return ph(u);
  });
  s = s.replace(KEY_RE, (k) => {
    if (!names.has(k)) register(k, 'KEY_ID');
    return ph(k);
  });
  for (const [v, n] of names) if (v.length >= 16 && s.includes(v)) s = s.split(v).join(`$${n}`);
  return s;
}

const idHint = (key, parent) => {
  if (key !== 'id') return key.toUpperCase();
  const p = (parent || '').replace(/ies$/, 'y').replace(/s$/, '');
  return p ? `${p.toUpperCase()}_ID` : 'ID';
};

// Deep copy with placeholders; arrays of objects longer than 2 are cut (noted in `notes`).
function present(v, notes, key = '', parent = '', path = '') {
  if (Array.isArray(v)) {
    const objs = v.length > 2 && v.every((x) => x && typeof x === 'object');
    if (objs) notes.push(`\`${path || key}\`: 2 of ${v.length} items shown`);
    return (objs ? v.slice(0, 2) : v).map((x) => present(x, notes, key, key, path));
  }
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v))
      o[k] = present(x, notes, k, key, path ? `${path}.${k}` : k);
    return o;
  }
  return typeof v === 'string' ? scrub(v, idHint(key, parent)) : v;
}

// ---------------------------------------------------------------------------------------------
// Calls: each one is checked against the status the scenario expects and kept for the doc.

let vox;
const shots = []; // every recorded call, in order
const ADMIN = { header: `Bearer ${ADMIN_TOKEN}`, curl: '-H "Authorization: Bearer $VOX_ADMIN_TOKEN"', kind: 'admin' };
const NONE = { header: null, curl: null, kind: 'none' };
let KEY; // the org's first api key

const keyAuth = (id, secret) => ({
  header: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64'),
  get curl() { return `-u "${ph(id)}:${ph(secret)}"`; },
  kind: 'key',
});
const tokenAuth = (token) => ({
  header: `Bearer ${token}`,
  get curl() { return `-H "Authorization: Bearer ${ph(token)}"`; },
  kind: 'token',
});

// op: "METHOD /pattern"; show: 'example' | 'error' | false (setup only, not documented).
async function call(op, { params = {}, query = '', auth = KEY, body, raw, expect, show = 'example', title } = {}) {
  const [method, pattern] = op.split(' ');
  const fill = (f) => pattern.replace(/\{(\w+)\}/g, (_, k) => {
    if (!(k in params)) throw new Error(`${op}: no value for {${k}}`);
    return f(params[k]);
  });
  const path = fill((x) => x) + (query ? `?${query}` : '');
  const r = await vox.req(method, path, { auth: auth.header || undefined, body, raw });
  const want = [].concat(expect ?? (method === 'POST' ? [200, 201] : method === 'DELETE' ? 204 : 200));
  if (!want.includes(r.status))
    throw new Error(`${op} (${path}): expected ${want.join('|')}, got ${r.status} ${r.text}`);
  const rec = { op, method, pattern, params, query, auth, body, raw, status: r.status, show, title,
    location: r.headers.get('location'), ctype: r.headers.get('content-type') || '',
    json: r.body, text: r.text };
  shots.push(rec);
  return r.body;
}
const err = (op, status, title, opts) => call(op, { ...opts, expect: status, show: 'error', title });
const setup = (op, opts) => call(op, { ...opts, show: false });

// ---------------------------------------------------------------------------------------------
// The scenario: one story through the whole API.

async function mint(identity, roomId, extra = {}, show = false) {
  const t = await call('POST /v1/tokens', { body: { identity, room_id: roomId, ...extra }, expect: 201, show });
  register(t.token, `${identity.toUpperCase()}_TOKEN`);
  return tokenAuth(t.token);
}

// A minimal WebRTC audio offer (answers swap the DTLS role); CR LF line ends as in real SDP.
const SDP = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=setup:actpass', 'a=sendrecv',
  'a=rtpmap:111 opus/48000/2', ''].join('\r\n');

async function scenario(ctx) {
  // ---- meta ----
  await call('GET /healthz', { auth: NONE });
  await call('GET /readyz', { auth: NONE });
  await call('GET /metrics', { auth: NONE });
  ctx.openapi = await call('GET /v1/openapi.json', { auth: NONE });

  // ---- orgs (admin) ----
  const org = await call('POST /v1/orgs', { auth: ADMIN, body: { name: 'Acme', metadata: { plan: 'pro' } }, expect: 201 });
  register(org.id, 'ORG_ID');
  register(org.api_key.id, 'VOX_API_KEY');
  register(org.api_key.secret, 'VOX_API_SECRET');
  KEY = keyAuth(org.api_key.id, org.api_key.secret);
  await err('POST /v1/orgs', 400, 'A member the body table does not know is refused before anything changes',
    { auth: ADMIN, body: { name: 'Acme', plan: 'pro' } });
  await err('POST /v1/orgs', 401, 'Without the admin token', { auth: NONE, body: { name: 'Acme' } });
  const other = await setup('POST /v1/orgs', { auth: ADMIN, body: { name: 'Globex' }, expect: 201 });
  register(other.id, 'OTHER_ORG_ID');
  register(other.api_key.id, 'OTHER_KEY_ID');
  register(other.api_key.secret, 'OTHER_KEY_SECRET');
  await call('GET /v1/orgs', { auth: ADMIN, query: 'limit=10' });
  await call('GET /v1/orgs/{org_id}', { auth: ADMIN, params: { org_id: org.id } });
  await err('GET /v1/orgs/{org_id}', 404, 'An id that names no org', { auth: ADMIN, params: { org_id: MISSING_ID } });
  const ci = await call('POST /v1/orgs/{org_id}/keys', { auth: ADMIN, params: { org_id: org.id }, body: { name: 'ci' }, expect: 201 });
  register(ci.id, 'CI_KEY_ID');
  register(ci.secret, 'CI_KEY_SECRET');
  await call('DELETE /v1/orgs/{org_id}', { auth: ADMIN, params: { org_id: other.id } });

  // ---- the org's own keys ----
  await call('GET /v1/org');
  const k2 = await call('POST /v1/keys', { body: { name: 'backend' }, expect: 201 });
  register(k2.id, 'BACKEND_KEY_ID');
  register(k2.secret, 'BACKEND_KEY_SECRET');
  await call('GET /v1/keys');
  await call('DELETE /v1/keys/{key_id}', { params: { key_id: k2.id } });
  await err('DELETE /v1/keys/{key_id}', 409, 'A key cannot revoke itself', { params: { key_id: org.api_key.id } });
  await err('DELETE /v1/keys/{key_id}', 400, 'A malformed key id', { params: { key_id: 'AK123' } });
  await err('GET /v1/org', 401, 'A revoked key no longer authenticates', { auth: keyAuth(k2.id, k2.secret) });

  // ---- categories and rooms ----
  const cat = await call('POST /v1/categories', { body: { name: 'Teams', position: 1 }, expect: 201 });
  register(cat.id, 'CATEGORY_ID');
  await err('POST /v1/categories', 409, 'Category names are unique in an org', { body: { name: 'Teams' } });
  const archive = await setup('POST /v1/categories', { body: { name: 'Archive', position: 9 }, expect: 201 });
  register(archive.id, 'ARCHIVE_CATEGORY_ID');
  await call('GET /v1/categories');
  await call('GET /v1/categories/{category_id}', { params: { category_id: cat.id } });
  await call('PATCH /v1/categories/{category_id}', { params: { category_id: cat.id }, body: { name: 'Engineering' } });

  const room = await call('POST /v1/rooms', { body: { name: 'standup', type: 'voice', persistent: true,
    max_participants: 10, category_id: cat.id, metadata: { team: 'core' } }, expect: 201 });
  register(room.id, 'ROOM_ID');
  await err('POST /v1/rooms', 400, 'Unknown members are refused (here a misspelt `max_participant`)',
    { body: { name: 'standup-2', type: 'voice', max_participant: 10 } });
  await err('POST /v1/rooms', 409, 'Room names are unique in an org', { body: { name: 'standup', type: 'voice' } });
  const breakout = await setup('POST /v1/rooms', { body: { name: 'breakout', type: 'voice', category_id: cat.id }, expect: 201 });
  register(breakout.id, 'BREAKOUT_ROOM_ID');
  const tmp = await setup('POST /v1/rooms', { body: { name: 'old-lobby', type: 'video', category_id: archive.id }, expect: 201 });
  register(tmp.id, 'OLD_ROOM_ID');
  await call('GET /v1/rooms', { query: 'type=voice&limit=20' });
  await call('GET /v1/rooms/{room_id}', { params: { room_id: room.id } });
  await err('GET /v1/rooms/{room_id}', 400, 'A malformed id in the path', { params: { room_id: 'standup' } });
  await call('PATCH /v1/rooms/{room_id}', { params: { room_id: room.id }, body: { bitrate: 48000, empty_timeout: 120 } });
  await err('PATCH /v1/rooms/{room_id}', 400, 'Cross-field rules: a voice room holds at most 99',
    { params: { room_id: room.id }, body: { max_participants: 500 } });
  await err('PATCH /v1/rooms/{room_id}', 400, 'p2p needs a small room',
    { params: { room_id: room.id }, body: { media_mode: 'p2p' } });
  await call('GET /v1/channels');
  await call('DELETE /v1/categories/{category_id}', { params: { category_id: archive.id } });
  await err('DELETE /v1/rooms/{room_id}', 400, 'A route that takes no body refuses one, and nothing is deleted',
    { params: { room_id: tmp.id }, body: { cascade: true } });
  await call('DELETE /v1/rooms/{room_id}', { params: { room_id: tmp.id } });

  // ---- tokens ----
  await err('POST /v1/tokens', 400, "A lifetime beyond the server's --token-max-ttl",
    { body: { identity: 'alice', room_id: room.id, ttl: 30 * 86400 } });
  const aliceTok = await mint('alice', room.id, { name: 'Alice', ttl: 3600, grants: { admin: true } }, 'example');
  ctx.aliceToken = aliceTok.header.slice(7);
  const bobTok = await mint('bob', room.id);

  // ---- sessions ----
  const s1 = await call('POST /v1/rooms/{room_id}/sessions', { params: { room_id: room.id },
    body: { scheduled_at: '2030-01-15T09:00:00Z' }, expect: 201 });
  register(s1.id, 'SESSION_ID');
  await err('POST /v1/rooms/{room_id}/sessions', 409, 'One session at a time per room',
    { params: { room_id: room.id }, body: {} });
  await call('GET /v1/sessions/{session_id}', { params: { session_id: s1.id } });
  await call('POST /v1/sessions/{session_id}/prepare', { params: { session_id: s1.id }, expect: 200 });
  await call('POST /v1/sessions/{session_id}/start', { params: { session_id: s1.id }, expect: 200 });
  await call('POST /v1/sessions/{session_id}/pause', { params: { session_id: s1.id }, expect: 200 });
  await call('POST /v1/sessions/{session_id}/resume', { params: { session_id: s1.id }, expect: 200 });
  await err('POST /v1/sessions/{session_id}/resume', 409, 'The lifecycle refuses the operation in this state',
    { params: { session_id: s1.id } });
  await err('POST /v1/sessions/{session_id}/pause', 400, 'These operations take no body',
    { params: { session_id: s1.id }, body: { reason: 'lunch' } });

  // ---- participants ----
  const alice = await call('POST /v1/rooms/{room_id}/participants', { auth: aliceTok, params: { room_id: room.id },
    body: { device: 'desktop', browser: 'Firefox 128', media: { audio: true } }, expect: 201 });
  register(alice.id, 'ALICE_ID');
  const carol = await call('POST /v1/rooms/{room_id}/participants', { params: { room_id: room.id },
    body: { identity: 'carol', name: 'Carol', email: 'carol@example.com', role: 'participant', recording_consent: true },
    expect: 201, title: 'With an api key, naming the identity' });
  register(carol.id, 'CAROL_ID');
  const bob = await setup('POST /v1/rooms/{room_id}/participants', { auth: bobTok, params: { room_id: room.id }, body: {}, expect: 201 });
  register(bob.id, 'BOB_ID');
  await err('POST /v1/rooms/{room_id}/participants', 403, 'A token joins only as its own identity',
    { auth: bobTok, params: { room_id: room.id }, body: { identity: 'alice' } });
  await call('GET /v1/rooms/{room_id}/participants', { params: { room_id: room.id }, query: 'status=present' });
  await err('GET /v1/rooms/{room_id}/participants', 400, 'An unknown status filter',
    { params: { room_id: room.id }, query: 'status=online' });
  await call('GET /v1/sessions/{session_id}/participants', { auth: bobTok, params: { session_id: s1.id }, query: 'limit=2' });
  await call('GET /v1/participants/{participant_id}', { params: { participant_id: carol.id } });
  await call('PATCH /v1/participants/{participant_id}', { auth: aliceTok, params: { participant_id: bob.id },
    body: { server_mute: true }, title: 'The host (alice) server-mutes bob' });
  await call('PATCH /v1/participants/{participant_id}', { auth: bobTok, params: { participant_id: bob.id },
    body: { hand_raised: true, volume: 80, name: 'Bob B.' }, title: 'Bob changes his own state' });
  await err('PATCH /v1/participants/{participant_id}', 403, 'A participant token acting on someone of higher role',
    { auth: bobTok, params: { participant_id: alice.id }, body: { audio: false } });
  await err('PATCH /v1/participants/{participant_id}', 403, 'A server-muted participant cannot unmute itself',
    { auth: bobTok, params: { participant_id: bob.id }, body: { audio: true } });
  await call('POST /v1/participants/{participant_id}/heartbeat', { auth: bobTok, params: { participant_id: bob.id }, expect: 200 });
  await err('POST /v1/participants/{participant_id}/heartbeat', 403, 'A token sends heartbeats only for itself',
    { auth: bobTok, params: { participant_id: carol.id } });
  await err('POST /v1/sessions/{session_id}/end', 403, 'A participant without manage_room',
    { auth: bobTok, params: { session_id: s1.id } });
  const moved = await call('POST /v1/participants/{participant_id}/move', { params: { participant_id: carol.id },
    body: { room_id: breakout.id }, expect: 201 });
  register(moved.id, 'CAROL_BREAKOUT_ID');
  register(moved.session_id, 'BREAKOUT_SESSION_ID');
  await err('POST /v1/participants/{participant_id}/move', 400, 'Moving into the room the participant is in',
    { params: { participant_id: moved.id }, body: { room_id: breakout.id } });
  await call('POST /v1/participants/{participant_id}/remove', { auth: aliceTok, params: { participant_id: bob.id },
    body: { reason: 'off topic', ban: true }, expect: 200, title: 'The host (alice) removes bob and bans him from the session' });
  await err('POST /v1/participants/{participant_id}/remove', 409, 'Removing someone already gone',
    { params: { participant_id: bob.id } });
  await err('POST /v1/rooms/{room_id}/participants', 403, 'A banned identity cannot rejoin the session, with any token',
    { auth: bobTok, params: { room_id: room.id }, body: {} });
  await call('GET /v1/sessions/{session_id}/bans', { params: { session_id: s1.id } });
  await call('POST /v1/sessions/{session_id}/unban', { params: { session_id: s1.id }, body: { identity: 'bob' }, expect: 200 });
  await err('POST /v1/sessions/{session_id}/unban', 404, 'An identity that is not banned from the session',
    { params: { session_id: s1.id }, body: { identity: 'bob' } });
  await err('GET /v1/sessions/{session_id}', 403, 'An access token for another room',
    { auth: await mint('zoe', breakout.id), params: { session_id: s1.id } });
  await call('POST /v1/participants/{participant_id}/leave', { auth: aliceTok, params: { participant_id: alice.id }, expect: 200 });
  await err('POST /v1/participants/{participant_id}/leave', 409, 'Leaving twice',
    { auth: aliceTok, params: { participant_id: alice.id } });
  await call('POST /v1/sessions/{session_id}/end', { params: { session_id: s1.id }, expect: 200 });
  await err('POST /v1/sessions/{session_id}/start', 409, 'A finished session never restarts (the next join opens a new one)',
    { params: { session_id: s1.id } });
  await call('GET /v1/rooms/{room_id}/sessions', { params: { room_id: room.id }, query: 'state=completed' });
  await call('GET /v1/sessions', { query: `room_id=${breakout.id}` });

  const town = await setup('POST /v1/rooms', { body: { name: 'town-hall', type: 'broadcast' }, expect: 201 });
  register(town.id, 'TOWNHALL_ROOM_ID');
  const s2 = await setup('POST /v1/rooms/{room_id}/sessions', { params: { room_id: town.id }, body: { scheduled_at: 1893456000000 }, expect: 201 });
  register(s2.id, 'TOWNHALL_SESSION_ID');
  await call('POST /v1/sessions/{session_id}/cancel', { params: { session_id: s2.id }, expect: 200 });
  await err('POST /v1/sessions/{session_id}/cancel', 409, 'Cancelling twice', { params: { session_id: s2.id } });
  await err('POST /v1/rooms/{room_id}/participants', 409, 'A one-off (non-persistent) room does not reopen once its session is over',
    { params: { room_id: town.id }, body: { identity: 'dave' } });
  const retro = await setup('POST /v1/rooms', { body: { name: 'retro', type: 'video' }, expect: 201 });
  register(retro.id, 'RETRO_ROOM_ID');
  const s3 = await setup('POST /v1/rooms/{room_id}/sessions', { params: { room_id: retro.id }, body: {}, expect: 201 });
  register(s3.id, 'RETRO_SESSION_ID');
  await setup('POST /v1/sessions/{session_id}/start', { params: { session_id: s3.id }, expect: 200 });
  await call('POST /v1/sessions/{session_id}/fail', { params: { session_id: s3.id }, expect: 200 });

  // ---- waiting room ----
  const office = await setup('POST /v1/rooms', { body: { name: 'office-hours', type: 'video', waiting_room: true,
    max_participants: 2, password: 'open sesame' }, expect: 201 });
  register(office.id, 'OFFICE_ROOM_ID');
  const hostTok = await mint('hana', office.id, { grants: { role: 'host' } });
  await err('POST /v1/rooms/{room_id}/participants', 403, 'A token must give the room password',
    { auth: hostTok, params: { room_id: office.id }, body: {} });
  const hana = await setup('POST /v1/rooms/{room_id}/participants', { auth: hostTok, params: { room_id: office.id },
    body: { password: 'open sesame' }, expect: 201 });
  register(hana.id, 'HANA_ID');
  register(hana.session_id, 'OFFICE_SESSION_ID');
  const join = (identity) => setup('POST /v1/rooms/{room_id}/participants', { params: { room_id: office.id }, body: { identity }, expect: 201 });
  const dave = await join('dave');
  register(dave.id, 'DAVE_ID');
  const erin = await join('erin');
  register(erin.id, 'ERIN_ID');
  const frank = await join('frank');
  register(frank.id, 'FRANK_ID');
  await call('POST /v1/participants/{participant_id}/admit', { auth: hostTok, params: { participant_id: dave.id }, expect: 200 });
  await call('POST /v1/participants/{participant_id}/deny', { auth: hostTok, params: { participant_id: erin.id }, expect: 200 });
  await err('POST /v1/participants/{participant_id}/deny', 409, 'Only a waiting participant can be denied',
    { auth: hostTok, params: { participant_id: dave.id } });
  await err('POST /v1/participants/{participant_id}/admit', 409, 'Admitting past the room limit (2 of 2 seated)',
    { params: { participant_id: frank.id } });
  await err('POST /v1/rooms/{room_id}/participants', 409, 'Hosts skip the waiting room but not the limit',
    { params: { room_id: office.id }, body: { identity: 'grace', role: 'co_host' } });

  // ---- stage ----
  const ama = await setup('POST /v1/rooms', { body: { name: 'ama', type: 'stage' }, expect: 201 });
  register(ama.id, 'STAGE_ROOM_ID');
  const modTok = await mint('maria', ama.id, { grants: { role: 'moderator' } });
  const samTok = await mint('sam', ama.id);
  const tinaTok = await mint('tina', ama.id);
  const enter = async (auth, id) => {
    const p = await setup('POST /v1/rooms/{room_id}/participants', { auth, params: { room_id: ama.id }, body: {}, expect: 201 });
    register(p.id, id);
    return p;
  };
  const maria = await enter(modTok, 'MARIA_ID');
  register(maria.session_id, 'STAGE_SESSION_ID');
  const sam = await enter(samTok, 'SAM_ID');
  const tina = await enter(tinaTok, 'TINA_ID');
  const rq = await call('POST /v1/rooms/{room_id}/stage/requests', { auth: samTok, params: { room_id: ama.id }, body: {}, expect: 201 });
  register(rq.id, 'REQUEST_ID');
  await err('POST /v1/rooms/{room_id}/stage/requests', 409, 'One pending request per member',
    { auth: samTok, params: { room_id: ama.id }, body: {} });
  await err('POST /v1/rooms/{room_id}/stage/requests', 409, 'Only stage rooms have a stage',
    { params: { room_id: room.id }, body: { participant_id: carol.id } });
  await call('GET /v1/rooms/{room_id}/stage/requests', { auth: modTok, params: { room_id: ama.id }, query: 'state=pending' });
  await call('GET /v1/stage/requests/{request_id}', { params: { request_id: rq.id } });
  await err('POST /v1/stage/requests/{request_id}/approve', 403, 'An audience member cannot decide',
    { auth: tinaTok, params: { request_id: rq.id } });
  await call('POST /v1/stage/requests/{request_id}/approve', { auth: modTok, params: { request_id: rq.id }, expect: 200 });
  await err('POST /v1/stage/requests/{request_id}/approve', 409, 'Deciding twice', { auth: modTok, params: { request_id: rq.id } });
  const rq2 = await call('POST /v1/rooms/{room_id}/stage/requests', { params: { room_id: ama.id },
    body: { participant_id: tina.id }, expect: 201, title: 'An api key asks on behalf of a participant' });
  register(rq2.id, 'TINA_REQUEST_ID');
  await call('POST /v1/stage/requests/{request_id}/deny', { params: { request_id: rq2.id }, expect: 200 });
  const rq3 = await setup('POST /v1/rooms/{room_id}/stage/requests', { auth: tinaTok, params: { room_id: ama.id }, body: {}, expect: 201 });
  register(rq3.id, 'TINA_REQUEST_ID_2');
  await err('POST /v1/stage/requests/{request_id}/cancel', 403, 'Only the requester (or an api key) cancels',
    { auth: samTok, params: { request_id: rq3.id } });
  await call('POST /v1/stage/requests/{request_id}/cancel', { auth: tinaTok, params: { request_id: rq3.id }, expect: 200 });
  await call('POST /v1/rooms/{room_id}/stage/speakers/{participant_id}/demote', { auth: modTok,
    params: { room_id: ama.id, participant_id: sam.id }, expect: 200 });
  await err('POST /v1/rooms/{room_id}/stage/speakers/{participant_id}/demote', 409, 'The target is not a speaker',
    { auth: modTok, params: { room_id: ama.id, participant_id: tina.id } });
  await call('POST /v1/rooms/{room_id}/stage/moderators', { params: { room_id: ama.id }, body: { participant_id: tina.id }, expect: 200 });
  await err('POST /v1/rooms/{room_id}/stage/moderators', 409, 'Already a moderator',
    { params: { room_id: ama.id }, body: { participant_id: tina.id } });

  // ---- signals: the p2p relay ----
  const pair = await setup('POST /v1/rooms', { body: { name: 'pairing', type: 'video', media_mode: 'p2p', max_participants: 4 }, expect: 201 });
  register(pair.id, 'P2P_ROOM_ID');
  const peer = async (identity, id) => {
    const auth = await mint(identity, pair.id);
    const p = await setup('POST /v1/rooms/{room_id}/participants', { auth, params: { room_id: pair.id }, body: {}, expect: 201 });
    register(p.id, id);
    return { auth, p };
  };
  const lena = await peer('lena', 'LENA_ID');
  register(lena.p.session_id, 'P2P_SESSION_ID');
  const omar = await peer('omar', 'OMAR_ID');
  const kim = await peer('kim', 'KIM_ID');
  const sig = (from, body, opts = {}) => call('POST /v1/participants/{participant_id}/signals',
    { auth: from.auth, params: { participant_id: from.p.id }, body, expect: 201, ...opts });
  const offer = await sig(lena, { to: omar.p.id, signal: { kind: 'offer', sdp: SDP } },
    { title: "Lena's token sends an offer to Omar" });
  register(offer.id, 'OFFER_SIGNAL_ID');
  const answer = await sig(omar, { to: lena.p.id, signal: { kind: 'answer', sdp: SDP.replace('a=setup:actpass', 'a=setup:active') } }, { show: false });
  register(answer.id, 'ANSWER_SIGNAL_ID');
  const cand = await sig(lena, { to: '*', signal: { kind: 'candidate', candidate: {
    candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 54400 typ srflx raddr 0.0.0.0 rport 0 generation 0',
    sdpMid: '0', sdpMLineIndex: 0 } } }, { title: 'A broadcast ICE candidate (`"to": "*"`: everyone else present)' });
  register(cand.id, 'CANDIDATE_SIGNAL_ID');
  const msg = await sig({ auth: KEY, p: kim.p }, { to: omar.p.id, signal: { kind: 'message', data: { type: 'mute-hint', video: false } } },
    { title: 'An api key sends an app message on behalf of a participant (Kim)' });
  register(msg.id, 'MESSAGE_SIGNAL_ID');
  await err('POST /v1/participants/{participant_id}/signals', 409, 'The addressee is in another room (`wrong_room`, field `to`)',
    { auth: lena.auth, params: { participant_id: lena.p.id }, body: { to: dave.id, signal: { kind: 'offer', sdp: SDP } } });
  await err('POST /v1/participants/{participant_id}/signals', 400, 'An unknown kind (the field is `signal.kind`)',
    { auth: lena.auth, params: { participant_id: lena.p.id }, body: { to: omar.p.id, signal: { kind: 'ice', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } } });
  await call('GET /v1/sessions/{session_id}/signals', { params: { session_id: lena.p.session_id }, query: 'limit=10' });
  const inbox = await call('GET /v1/participants/{participant_id}/signals', { auth: omar.auth, params: { participant_id: omar.p.id },
    query: 'limit=2', title: "Omar's token polls its inbox (a page of 2)" });
  await call('GET /v1/participants/{participant_id}/signals', { auth: omar.auth, params: { participant_id: omar.p.id },
    query: `after=${inbox.next_after}&limit=2`, title: `The next page: \`after\` is the previous page's \`next_after\` (${inbox.next_after})` });

  // ---- events and analytics ----
  await call('GET /v1/events', { query: 'type=participant.*&limit=3' });
  await err('GET /v1/events', 400, 'A malformed type filter', { query: 'type=Participant.Joined' });
  await call('GET /v1/rooms/{room_id}/events', { params: { room_id: ama.id }, query: 'type=stage.*&limit=2' });
  const page = await setup('GET /v1/sessions/{session_id}/events', { params: { session_id: s1.id }, query: 'limit=3' });
  await call('GET /v1/sessions/{session_id}/events', { params: { session_id: s1.id }, query: `after=${page.next_after}&limit=2`,
    title: 'The next page after a first page whose `next_after` was ' + page.next_after });
  await call('GET /v1/analytics/summary', { query: 'top=2' });
  await call('GET /v1/analytics/rooms', { query: 'days=7&limit=2' });
  await call('GET /v1/analytics/rooms/{room_id}', { params: { room_id: room.id }, query: 'days=2' });
  await err('GET /v1/analytics/rooms', 400, 'days out of range', { query: 'days=0' });

  // ---- general answers (intro) ----
  ctx.intro404 = await err('GET /v1/widgets', 404, 'No such route', { auth: KEY });
  ctx.intro405 = await err('PUT /v1/rooms', 405, 'Wrong method', { auth: KEY, body: {} });
}

// ---------------------------------------------------------------------------------------------
// Hand-written knowledge the OpenAPI document does not carry (read from src/api/*.c).

const AUTH_TEXT = {
  admin: 'the admin token (`Authorization: Bearer $VOX_ADMIN_TOKEN`)',
  apiKey: 'an api key (`-u "$VOX_API_KEY:$VOX_API_SECRET"`)',
  'apiKey|accessToken': 'an api key, or a participant access token for this room (`Authorization: Bearer $TOKEN`)',
  '': 'anyone (no credentials)',
};

const RULES = {
  'GET /metrics': 'Prometheus text format: request counters and latency per route, plus gauges for rooms, live sessions and present participants.',
  'GET /v1/openapi.json': 'Generated from the same route and body tables the server dispatches and validates with. The examples below trim `paths` to its first entries.',
  'POST /v1/orgs': 'Answers the org with its first api key, whose `secret` is shown only in this answer (stored sealed with the server master key).',
  'DELETE /v1/orgs/{org_id}': 'Deletes the org with its keys, rooms, sessions, participants and events; its keys and their tokens stop working at once, and every WebSocket of the org is closed with 4005 (reason `org deleted`) before this answer is sent.',
  'POST /v1/orgs/{org_id}/keys': 'The `secret` is shown only in this answer. Logged as `api_key.created` (`key_id`, `name`, `by`: "admin") in the org\'s event log.',
  'GET /v1/keys': 'Revoked keys are listed with `revoked_at`; secrets are never listed. Not paged.',
  'POST /v1/keys': 'Store the `secret` at once: it cannot be read again. Logged as `api_key.created` with `key_id`, `name` and `by` (the calling key id); events never carry a secret. (The org\'s first key is part of the org\'s creation and has no event.)',
  'DELETE /v1/keys/{key_id}': 'Revokes another key of the org, everywhere at once: the key and every access token it signed (minted here or by your backend) are refused from the next request on (401), and every WebSocket opened with such a token stops acting and is closed with 4005 (reason `api key revoked`, after an `error` `credentials_revoked`) before this answer is sent. Their participants become `reconnecting` as after any dropped socket: a token signed by another key resumes them (key rotation), else they leave after the presence grace. Logged as `api_key.revoked` (`key_id`, `name`, `by`). A key cannot revoke itself (409 `conflict`); the id is matched in either case, an unknown or already revoked one is 404 and a malformed one 400 `invalid_uuid`.',
  'POST /v1/tokens': 'Mints an HS256 JWT signed with the calling key\'s secret (header `kid` = key id). The room must exist in the caller\'s org. Default `ttl` 3600 s; the server refuses more than `--token-max-ttl` (86400 s by default). The token is not stored: revoke the signing key to invalidate its tokens.',
  'POST /v1/rooms': 'Answers 201 with `Location: /v1/rooms/{id}`. Defaults: `media_mode` sfu, `bitrate` by type (voice/stage 64000, video/screen_share 48000, broadcast 96000), `screen_share_allowed` true, `empty_timeout` the server\'s `--empty-timeout` (30 s). `participant_limit` in the answer is the limit that applies (the type\'s ceiling when `max_participants` is 0). The password is stored hashed; answers only say `has_password`.',
  'PATCH /v1/rooms/{room_id}': 'Only the members sent change; the result is checked as a whole (limits per type, p2p needs `max_participants` 1–4, `category_id` must name a category of the org). `password: null` and `category_id: null` clear them.',
  'DELETE /v1/rooms/{room_id}': 'Answers 204 with no body.',
  'GET /v1/categories': 'Not paged.',
  'DELETE /v1/categories/{category_id}': 'Its rooms stay, uncategorized.',
  'GET /v1/channels': 'Channels are persistent rooms and categorized rooms, grouped by category (`uncategorized` for the rest), each with `participant_count` (present participants). At most 1000 channels; `truncated` says when more exist.',
  'POST /v1/rooms/{room_id}/sessions': 'Creates a `scheduled` session; `scheduled_at` is optional (RFC 3339 text or integer milliseconds). 409 `session_exists` while the room has a session that has not ended. Sessions also open on their own when someone joins.',
  'GET /v1/rooms/{room_id}/sessions': 'Newest first.',
  'GET /v1/sessions': 'Newest first.',
  'GET /v1/sessions/{session_id}': 'A token may read only its own room\'s sessions (403 `wrong_room`). `duration_ms` runs while the session is live.',
  'POST /v1/sessions/{session_id}/prepare': 'Lifecycle: scheduled → ready → active ⇄ paused → completed | failed | cancelled. A refused operation is 409 `invalid_transition`. A token needs the `admin` grant or `manage_room` in the session. No body.',
  'POST /v1/sessions/{session_id}/start': 'scheduled or ready → active; sets `started_at`. Same auth rules as prepare.',
  'POST /v1/sessions/{session_id}/pause': 'active → paused. Same auth rules as prepare.',
  'POST /v1/sessions/{session_id}/resume': 'paused → active. Same auth rules as prepare.',
  'POST /v1/sessions/{session_id}/end': 'active or paused → completed (`end_reason` "ended"); everyone still in it leaves (`participant.left` with reason `session_ended`). Same auth rules as prepare.',
  'POST /v1/sessions/{session_id}/cancel': 'scheduled or ready → cancelled. Same auth rules as prepare.',
  'POST /v1/sessions/{session_id}/fail': 'ready, active or paused → failed; everyone still in it leaves. Same auth rules as prepare.',
  'POST /v1/rooms/{room_id}/participants': 'Joins the room\'s live session, or opens one (a persistent room opens a new session after the last one ended; a one-off room answers 409 `session_ended`). 201 for a new participant; 200 with the existing participant when the identity is already in the session. With an api key `identity` is required, `role` may be any role and the room password is not asked. With a token the identity, name and role come from the token (sending another `identity` or any `role` is 403), `kind` "recorder" needs the recorder grant, and a room password must be sent. In a waiting room everyone except host/co_host starts as `waiting` and takes no seat until admitted. A full room is 409 `room_full`; an identity removed from the session with `ban: true` is 403 `banned`.',
  'GET /v1/rooms/{room_id}/participants': 'Without `session_id`, the room\'s current or latest session is listed. The answer names the `session_id` listed (null when the room never had one).',
  'PATCH /v1/participants/{participant_id}': 'At least one member. Media rules: a participant changes its own state (turning audio on needs `speak` and no server mute, video needs `video`, screen share needs `stream` and the room flag; a viewer publishes nothing). On others one may only turn audio/video/screen share off or lower a hand, with `mute_members` and a higher role; `server_mute`/`server_deaf` need `mute_members`/`deafen_members`. Role changes need `manage_room` or host/co_host, a higher role than the target, and never grant above one\'s own (an api key may assign any role). Only the participant itself changes `name` and `metadata` (an api key acts as the participant). The stored state never claims more than the permissions allow: a server mute turns the audio off too (events `participant.audio_disabled` and `participant.muted`), and it stays off until the mute is lifted (lifting it does not turn it back on); a new role switches off what it may not publish (`participant.role_changed`, then `participant.audio_disabled`, `participant.video_disabled`, `participant.screen_share_stopped` as they apply).',
  'POST /v1/participants/{participant_id}/leave': 'A token leaves only as itself. 409 `participant_gone` when already gone. No body.',
  'POST /v1/participants/{participant_id}/remove': 'Needs `mute_members` or `manage_room` and a higher role than the target (an api key acts as a host, so it cannot remove a host). Removing oneself is 400 (leave instead). With `ban: true` the identity is also banned from the session until it ends (or the backend lifts the ban with `POST /v1/sessions/{session_id}/unban`): every later join of that identity into it (REST or WebSocket, with the same token, a new token or an api key) and every move into it is 403 `banned`. Bans are stored and survive a restart; the room\'s next session starts without them. The `participant.removed` event carries `reason`, `by` and `ban`.',
  'GET /v1/sessions/{session_id}/bans': 'Api keys only. The identities removed from the session with `ban: true`, oldest first, with who banned them (`by`: the remover\'s identity, or "server" for an api key) and the removal\'s `reason`.',
  'POST /v1/sessions/{session_id}/unban': 'Api keys only (a token can ban by removing, but only the backend lifts a ban). The identity may join the session again; answers the lifted ban and logs `ban.lifted` (`identity`, `by`: the key id). 404 `not_found` (field `identity`) when it is not banned.',
  'POST /v1/participants/{participant_id}/admit': 'Host or co_host (or an api key); the target must be `waiting` (409 `not_waiting` otherwise, `participant_gone` once it left or was removed or denied) and the room must have a free seat (409 `room_full`). The participant becomes `connected`.',
  'POST /v1/participants/{participant_id}/deny': 'Host or co_host (or an api key); the target must be `waiting` (409 `not_waiting` or `participant_gone` otherwise, as for admit). The participant becomes `denied`.',
  'POST /v1/participants/{participant_id}/move': 'Seats the participant in the other room\'s live (or a new) session as a new participant (201; 200 when the identity is already there) and marks the old one `left` (`participant.moved`). Moving someone else needs `move_members` and a higher role; the participant needs `connect` in the destination.',
  'POST /v1/participants/{participant_id}/heartbeat': 'Presence: a participant not seen for `--presence-timeout` (60 s) becomes `reconnecting`, after twice that `left`. A heartbeat (or a rejoin) brings it back to `connected`. A token sends heartbeats only for itself. No body.',
  'POST /v1/rooms/{room_id}/stage/requests': 'Stage rooms only (409 `not_a_stage`). A token asks for itself (it must have joined: 403 `not_joined`); an api key names `participant_id` (a present participant). Only audience, viewer or participant roles with `request_to_speak` may ask (409 `already_speaker` otherwise), one pending request at a time (409 `request_pending`). Pending requests expire after `--stage-request-ttl` (300 s).',
  'GET /v1/rooms/{room_id}/stage/requests': 'Oldest first. A room that is not a stage is 409 `not_a_stage`.',
  'POST /v1/stage/requests/{request_id}/approve': 'Needs `manage_stage` (moderator, co_host, host, or an api key). The requester must still be present (409 `participant_not_present`) and becomes a `speaker`; the answer carries the updated `participant`. 409 `request_not_pending` once decided.',
  'POST /v1/stage/requests/{request_id}/deny': 'Needs `manage_stage`. 409 `request_not_pending` once decided.',
  'POST /v1/stage/requests/{request_id}/cancel': 'The requester (token) or an api key. `decided_by` is the identity, or the api key id.',
  'POST /v1/rooms/{room_id}/stage/speakers/{participant_id}/demote': 'The speaker itself, or someone with `manage_stage`. The speaker becomes `audience` and its audio, video and screen share go off (`participant.role_changed`, then `participant.audio_disabled`, `participant.video_disabled`, `participant.screen_share_stopped` for those that were on); a target that is not a speaker is 409 `not_a_speaker`.',
  'POST /v1/rooms/{room_id}/stage/moderators': 'Needs `manage_stage`. The target must be present; at most `--stage-moderator-limit` (10) moderators per stage session (409 `moderator_limit`); a moderator or higher is 409 `already_moderator`.',
  'POST /v1/participants/{participant_id}/signals': 'The path names the sender; a token sends only as its own participant (403 `forbidden`), an api key for any participant. Sender and addressee must be present in the same live session (409 `conflict` when the sender is not present or the session not live; 409 `wrong_room`, field `to`, when the addressee is in another room or has left; 404 when `to` names no participant of the org). `"to": "*"` reaches everyone else present in the room. `offer`, `answer` and `candidate` are for p2p rooms (`media_mode: "p2p"`, `max_participants` ≤ 4); an sfu room relays only `message` (409 `conflict`, field `signal.kind`). The signal is stored, then relayed to the addressees\' sockets as `{"type":"signal","from","seq","signal"}` once durable; signals are not in the event log. Answers 201 with the stored signal.',
  'GET /v1/sessions/{session_id}/signals': 'Every signal relayed in the session, oldest first. Page with `after`: the previous page\'s `next_after`. A token may read only its own room\'s sessions (403 `wrong_room`).',
  'GET /v1/participants/{participant_id}/signals': 'The participant\'s inbox: signals addressed to it plus others\' broadcasts sent since it joined (not its own), oldest first. `next_after` is the last `seq` returned (or `after` itself on an empty page), so a poller always passes it back. A token reads only its own inbox (403 `forbidden`).',
  'GET /v1/events': 'Oldest first. To follow the log, pass each page\'s `next_after` back as `after`.',
  'GET /v1/rooms/{room_id}/events': 'Same query as `GET /v1/events`, within the room.',
  'GET /v1/sessions/{session_id}/events': 'Same query as `GET /v1/events`, within the session.',
  'GET /v1/analytics/summary': 'Counts sessions created in the window (default: all time).',
  'GET /v1/analytics/rooms': 'The window runs from the start of the UTC day `days`-1 days ago until now.',
  'GET /v1/analytics/rooms/{room_id}': 'The window as for `GET /v1/analytics/rooms`. `by_day` has one entry per UTC day, oldest first.',
};

const FIELD_NOTES = {
  '*': {
    metadata: 'JSON object, at most 4096 bytes serialized',
    name: 'not blank',
  },
  'POST /v1/orgs': { key_name: 'name of the first api key (default "default")' },
  'POST /v1/tokens': {
    identity: 'the JWT `sub`',
    name: 'display name (default: identity)',
    ttl: 'seconds, default 3600; at most the server\'s `--token-max-ttl`',
    grants: '`join`, `publish`, `subscribe` (default true), `publish_data`, `admin`, `hidden`, `recorder` (default false): booleans; `role`: a room role (default: decided by the room). At most 1024 bytes',
    metadata: 'opaque text carried in the token',
  },
  rooms: {
    max_participants: '0 = the type\'s ceiling (voice 99, video 50, screen_share 50, broadcast 1000, stage 1000)',
    media_mode: 'p2p only for voice/video with max_participants 1–4',
    bitrate: 'Opus audio, bits per second',
    password: 'at least 4 characters; `null` removes it',
    category_id: 'a category of the org; `null` uncategorizes',
    empty_timeout: 'persistent rooms: seconds a session outlives its last leave',
    persistent: 'a persistent room opens a new session on the next join; a one-off room does not',
    waiting_room: 'joiners other than host/co_host wait to be admitted',
    permission_overrides: '`{"roles": {ROLE: {"allow": [PERM…], "deny": [PERM…]}}, "identities": {IDENTITY: {…}}}`, at most 8192 bytes. PERM is one of connect, speak, mute_members, deafen_members, move_members, use_voice_activity, priority_speaker, stream, video, request_to_speak, manage_stage, manage_room, record',
  },
  'POST /v1/rooms/{room_id}/sessions': { scheduled_at: 'RFC 3339 text, or an integer (milliseconds since the epoch)' },
  'POST /v1/rooms/{room_id}/participants': {
    identity: 'required with an api key; a token joins as its own identity',
    role: 'api key only (a token\'s role comes from its grants); default participant (audience on a stage; host for a token with the admin grant)',
    kind: 'default user; recorder needs the recorder grant with a token',
    password: 'the room password (tokens only)',
    email: 'an address in the grammar under **Emails** in Conventions (400 `invalid_email` otherwise)',
    media: 'initial state: `audio`, `video`, `screen_share`, `hand_raised` (booleans), at most 512 bytes',
  },
  'PATCH /v1/participants/{participant_id}': { volume: 'percent, default 100' },
  'POST /v1/participants/{participant_id}/remove': {
    reason: 'recorded in the `participant.removed` event',
    ban: 'default false; true keeps the identity out of this session until it ends (403 `banned`)',
  },
  'POST /v1/participants/{participant_id}/signals': {
    to: 'the addressee\'s participant id (present in the sender\'s session), or `"*"` for everyone else present',
    signal: '`kind` (required): `offer`, `answer`, `candidate` or `message`; `sdp`: string, at most 12000 bytes, required for offer/answer; `candidate`: object or string, at most 4096 bytes, required for candidate; `data`: any JSON, at most 8192 bytes. Other members are 400 `unknown_field` (field `signal.<name>`). Relayed to the addressee as sent',
  },
};

function fieldNote(op, name) {
  const group = op.includes('/v1/rooms') && !op.includes('{room_id}/') ? 'rooms' : null;
  return FIELD_NOTES[op]?.[name] ?? (group && FIELD_NOTES[group][name]) ?? FIELD_NOTES['*'][name] ?? '';
}

const SECTIONS = [
  ['Health and metadata', (p) => !p.startsWith('/v1/') || p === '/v1/openapi.json'],
  ['Orgs (admin)', (p) => p.startsWith('/v1/orgs')],
  ['Your org and api keys', (p) => p === '/v1/org' || p.startsWith('/v1/keys')],
  ['Access tokens', (p) => p.startsWith('/v1/tokens')],
  ['Signals (peer-to-peer relay)', (p) => p.endsWith('/signals')],
  ['Stage', (p) => p.includes('/stage/')],
  ['Events', (p) => p.endsWith('/events')],
  ['Analytics', (p) => p.startsWith('/v1/analytics')],
  ['Sessions', (p) => /^\/v1\/sessions(\/\{session_id\}(\/(?!participants)\w+)?)?$/.test(p) || p === '/v1/rooms/{room_id}/sessions'],
  ['Participants', (p) => p.includes('participants')],
  ['Categories and channels', (p) => p.startsWith('/v1/categories') || p === '/v1/channels'],
  ['Rooms', (p) => p.startsWith('/v1/rooms')],
  ['Other', () => true],
];
const SECTION_ORDER = ['Health and metadata', 'Orgs (admin)', 'Your org and api keys', 'Access tokens',
  'Rooms', 'Categories and channels', 'Sessions', 'Participants', 'Signals (peer-to-peer relay)', 'Stage', 'Events', 'Analytics', 'Other'];

// Text shown under a section's heading, before its endpoints.
const SECTION_TEXT = {
  'Signals (peer-to-peer relay)': `In a p2p room (\`media_mode: "p2p"\`, at most 4 participants) the browsers exchange
WebRTC offers, answers and ICE candidates through the server, which relays each to the named
participant (or, with \`"to": "*"\`, to everyone else present) and keeps it.

**WebSocket or REST?** Use the WebSocket \`signal\` message ([docs/PROTOCOL.md](PROTOCOL.md),
"Peer-to-peer rooms") whenever the client holds a socket: it rides the connection the client
already has and needs no polling. Use this REST relay when it does not: a client that only
polls (send with \`POST …/signals\`, read the inbox with \`GET /v1/participants/{id}/signals?after=\`),
a backend or bot acting for a participant with an api key, or a client catching up after a
reconnect. Both paths store the same signal and deliver it the same way: a REST send reaches
the addressee's socket, and a socket send appears in the REST listings. Any room relays kind
\`message\` (small app data); an sfu room refuses the other kinds.`,
};

// ---------------------------------------------------------------------------------------------
// Rendering.

const fence = (lang, text) => `\`\`\`${lang}\n${text.replace(/\n+$/, '')}\n\`\`\``;

function curlOf(rec) {
  const path = rec.pattern.replace(/\{(\w+)\}/g, (_, k) => ph(rec.params[k])) + (rec.query ? `?${scrub(rec.query)}` : '');
  const lines = [rec.method === 'GET' ? `curl -sS "$VOX_URL${path}"` : `curl -sS -X ${rec.method} "$VOX_URL${path}"`];
  if (rec.auth.curl) lines.push(rec.auth.curl);
  let tail = '';
  if (rec.body !== undefined) {
    lines.push("-H 'Content-Type: application/json'");
    const json = JSON.stringify(present(rec.body, []));
    if (json.includes('$')) {
      lines.push('--data @- <<EOF');
      tail = `\n${json}\nEOF`;
    } else {
      lines.push(`-d '${json}'`);
    }
  }
  return lines.join(' \\\n  ') + tail;
}

function answerOf(rec) {
  const notes = [];
  let head = `HTTP/1.1 ${rec.status} ${STATUS_TEXT[rec.status] || ''}`.trim();
  if (rec.location) head += `\nLocation: ${scrub(rec.location)}`;
  if (!rec.ctype.includes('json')) {
    const lines = rec.text.split('\n');
    const shown = lines.slice(0, 14).join('\n');
    if (lines.length > 15) notes.push(`first 14 of ${lines.length - 1} lines shown`);
    return { text: `${head}\nContent-Type: ${rec.ctype}\n\n${shown}`, notes };
  }
  if (rec.json === undefined) return { text: head, notes };
  let body = rec.json;
  if (rec.pattern === '/v1/openapi.json') {
    const keys = Object.keys(body.paths);
    const names = Object.keys(body.components.schemas);
    body = { ...body, paths: Object.fromEntries(keys.slice(0, 2).map((k) => [k, body.paths[k]])),
      components: { ...body.components,
        schemas: Object.fromEntries(names.slice(0, 2).map((k) => [k, body.components.schemas[k]])) } };
    notes.push(`\`paths\`: 2 of ${keys.length} paths shown`, `\`components.schemas\`: 2 of ${names.length} schemas shown`);
  }
  return { text: `${head}\n\n${JSON.stringify(present(body, notes), null, 2)}`, notes };
}

function example(rec) {
  const a = answerOf(rec);
  const out = [fence('sh', curlOf(rec)), fence('http', a.text)];
  if (a.notes.length) out.push(`<sub>Trimmed: ${a.notes.join('; ')}.</sub>`);
  return out.join('\n\n');
}

function authKind(op) {
  return (op.security || []).map((s) => Object.keys(s)[0]).join('|');
}

function typeOf(s) {
  let t = s.type;
  if (s.format) t += ` (${s.format})`;
  if (s.nullable) t += ' or null';
  return t;
}

function limitsOf(s) {
  const l = [];
  if (s.enum) l.push(`one of ${s.enum.map((x) => `\`${x}\``).join(', ')}`);
  if (s.maxLength) l.push(`at most ${s.maxLength} bytes`);
  if (s.minimum !== undefined) l.push(s.maximum !== undefined ? `${s.minimum} – ${s.maximum}` : `at least ${s.minimum}`);
  if (s.default !== undefined) l.push(`default ${s.default}`);
  if (s.pattern) l.push(`matches \`${s.pattern}\``);
  return l.join('; ');
}

const schemaName = (ref) => ref.split('/').pop();
const schemaLink = (ref) => `[\`${schemaName(ref)}\`](#${schemaName(ref).toLowerCase()})`;

// A member's type for the schema tables: links for references, "array of" for arrays.
function memberType(s) {
  if (s.$ref) return schemaLink(s.$ref);
  if (s.type === 'array') return `array of ${memberType(s.items)}`;
  if (!s.type) return 'any JSON';
  return typeOf(s);
}

function queryTable(op) {
  const rows = (op.parameters || []).filter((p) => p.in === 'query').map((p) =>
    `| \`${p.name}\` | ${typeOf(p.schema)} | ${[limitsOf(p.schema), p.description].filter(Boolean).join('; ')} |`);
  if (!rows.length) return null;
  return ['| parameter | type | limits and notes |', '| --- | --- | --- |', ...rows].join('\n');
}

// "200 Room; errors 400, 401, 404" from the operation's responses.
function answersOf(op) {
  const ok = [], errors = [];
  for (const [code, r] of Object.entries(op.responses)) {
    if (!/^2/.test(code)) {
      if (code !== 'default') errors.push(code);
      continue;
    }
    const ref = r.content?.['application/json']?.schema?.$ref;
    ok.push(`${code} ${ref ? schemaLink(ref) : r.content?.['text/plain'] ? 'text' : '(no body)'}`);
  }
  return `**Answers:** ${ok.join(', ')}; errors ${errors.join(', ')} ([\`Error\`](#conventions)).`;
}

function schemaSection(schemas) {
  const out = ['## Answer schemas', '',
    `The members of every JSON answer, as \`components/schemas\` in \`GET /v1/openapi.json\` lists
them. A member is always present unless marked optional, and null only where its type says so.`];
  for (const [name, s] of Object.entries(schemas)) {
    if (name === 'Error' || !s.properties) continue;
    const req = new Set(s.required || []);
    out.push('', `### ${name}`, '');
    if (s.description) out.push(`${s.description}.`, '');
    out.push('| member | type | notes |', '| --- | --- | --- |');
    for (const [m, p] of Object.entries(s.properties)) {
      const notes = [req.has(m) ? '' : 'optional', limitsOf(p.type === 'array' ? p.items : p), p.description];
      out.push(`| \`${m}\` | ${memberType(p)} | ${notes.filter(Boolean).join('; ')} |`);
    }
  }
  return out.join('\n');
}

function bodyTable(key, op) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return null;
  const req = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([n, s]) =>
    `| \`${n}\` | ${typeOf(s)} | ${req.has(n) ? 'yes' : ''} | ${[limitsOf(s), fieldNote(key, n)].filter(Boolean).join('; ')} |`);
  if (!rows.length) return null;
  return ['| field | type | required | limits and notes |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function endpoint(key, op) {
  const recs = shots.filter((r) => r.op === key);
  const ok = recs.filter((r) => r.show === 'example');
  const bad = recs.filter((r) => r.show === 'error');
  const out = [`### ${key}`, '', op.summary ? `${op.summary}.` : ''];
  out.push('', `**Who may call:** ${AUTH_TEXT[authKind(op)] ?? authKind(op)}.`);
  if (RULES[key]) out.push('', RULES[key]);
  const query = queryTable(op);
  if (query) out.push('', '**Query** (all optional; a value out of its limits is 400 naming the parameter):', '', query);
  const table = bodyTable(key, op);
  if (table) out.push('', '**Body** (JSON; members not listed are refused with 400 `unknown_field`):', '', table);
  else if (key.startsWith('POST ') || key.startsWith('DELETE ')) out.push('', '**Body:** none.');
  out.push('', answersOf(op));
  for (const r of ok) out.push('', `**Example${r.title ? ` — ${r.title}` : ''}:**`, '', example(r));
  for (const r of bad) out.push('', `**Error example — ${r.title}:**`, '', example(r));
  return out.join('\n');
}

function claimsExample(token) {
  const [h, p] = token.split('.').slice(0, 2).map((x) => JSON.parse(Buffer.from(x, 'base64url').toString()));
  return { header: present(h, []), claims: present(p, []) };
}

function intro(ctx, nops) {
  const jwt = claimsExample(ctx.aliceToken);
  const e401 = shots.find((r) => r.status === 401 && r.op === 'POST /v1/orgs');
  const e400 = shots.find((r) => r.status === 400 && r.op === 'POST /v1/rooms');
  return `# vox REST API

<!-- Generated by tools/gen-api-docs.mjs against a live voxd; do not edit by hand.
     Regenerate after a build: make -j2 && node tools/gen-api-docs.mjs
     (writes this file; --stdout prints it instead). -->

This is the control-plane API of \`voxd\`: ${nops} operations, every one shown with a real
request and the answer the server gave when this file was generated. The generator starts a
fresh \`voxd\`, reads \`GET /v1/openapi.json\` (built from the server's own route and body
tables) and fails if any operation in it has no example, so the list below is complete.

## WebSocket signaling

Real-time room state (joins, leaves, mutes, stage changes) and the peer-to-peer relay also run
over one WebSocket per participant, opened with the same access token:
\`ws://HOST:PORT/v1/rtc?access_token=$TOKEN\`. Its messages, limits and reconnection rules
are in [docs/PROTOCOL.md](PROTOCOL.md); changes made through this REST API are pushed to the
sockets too, and the [signal relay](#signals-peer-to-peer-relay) below is its REST counterpart.

## Conventions

**Base URL.** \`voxd --listen HOST:PORT\` (default \`127.0.0.1:8080\`). The examples use shell
variables: \`VOX_URL\` (e.g. \`http://127.0.0.1:8080\`), \`VOX_ADMIN_TOKEN\`, \`VOX_API_KEY\`,
\`VOX_API_SECRET\` (the same names \`voxctl\` reads), and upper-case names such as \`$ROOM_ID\`,
\`$SESSION_ID\` or \`$SAM_TOKEN\` for values taken from earlier answers. Answers show those
values with the same names, so \`"id": "$ROOM_ID"\` is the value to export as \`ROOM_ID\`.

**Requests.** Bodies are JSON objects (\`Content-Type: application/json\`). Every body is
checked member by member before anything changes: an unknown member is 400 \`unknown_field\`,
and a wrong type, range or length names the member in \`error.field\`. Every GET and DELETE,
and the actions marked **Body: none**, take no body: send none, or \`{}\`; anything else is
refused as a bad body is (400 \`invalid_json\`, or \`unknown_field\` for a member) and
changes nothing. Success is 200, 201 when something was created, 204 (no body) for deletions.

**Ids.** Ids are UUIDs, matched in either case and always answered in lower case. Api key ids
are \`AK\` + 20 characters of \`A\`–\`Z\` (no \`I\` or \`O\`) and \`2\`–\`9\`, matched in either
case and answered in upper case. The same holds on every route, for ids in the path, the query
and the body: a malformed id is 400 \`invalid_uuid\` naming the parameter or member, and an id
of another org answers 404 exactly like an unknown one.

**Emails.** An \`email\` member must match this grammar, a conservative subset of RFC 5321's
mailbox (no quoted local parts, comments or address literals; ASCII only, so an
internationalized domain is written as its \`xn--\` A-label); anything else is 400
\`invalid_email\`:

\`\`\`text
email  = local "@" domain       ; at most 254 bytes in all
local  = atom *("." atom)       ; at most 64 bytes
atom   = 1*atext                ; letters, digits and ! # $ % & ' * + - / = ? ^ _ \` { | } ~
domain = label 1*("." label)    ; two labels or more; the last is not all digits
label  = 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen
\`\`\`

**Authentication.** Three kinds of credential, named per endpoint below:

| credential | header | used for |
| --- | --- | --- |
| admin token (\`voxd --admin-token\`) | \`Authorization: Bearer $VOX_ADMIN_TOKEN\` | \`/v1/orgs\` only |
| api key | HTTP Basic \`key_id:secret\` (\`curl -u "$VOX_API_KEY:$VOX_API_SECRET"\`) | everything an org's backend does |
| participant access token | \`Authorization: Bearer $TOKEN\` (an HS256 JWT) | sessions, participants and stage routes, for the token's own room |

A participant access token is minted by \`POST /v1/tokens\` (or by your backend with the same
key secret) and signed with the api key's secret; revoking the key invalidates its tokens at
once, on REST and on open WebSockets. Its header and claims, as minted in the example below:

${fence('json', JSON.stringify(jwt, null, 2))}

\`iss\` (and \`kid\`) is the signing key id, \`sub\` the identity, \`room\` the room id,
\`exp\`/\`nbf\`/\`iat\` Unix seconds, \`jti\` a unique id, \`metadata\` opaque text. Grants:
\`join\`, \`publish\`, \`subscribe\` (default true), \`publish_data\`, \`admin\`, \`hidden\`,
\`recorder\` (default false) and \`role\` (empty: the room decides — participant, or audience on
a stage; \`admin\` makes a joiner host). Within the room, what a token may do then follows the
permissions of its participant (listed in every participant answer).

**Token times.** \`exp\` is required and has no leeway: a token is valid while the server's
clock is before \`exp\` (401 \`token expired\` from that second on, and an open WebSocket is
closed with 4001). \`nbf\` and \`iat\` may be up to 5 s ahead of the server's clock (skew
between your backend and voxd); beyond that the token is 401 \`token not yet valid\` or
\`token issued in the future\`. \`--token-max-ttl\` (86400 s by default) caps every token the
server accepts, not only the ones it mints: a token whose lifetime \`exp - iat\` (or
\`exp - now\` when it has no \`iat\`) exceeds it is 401 with the message "token lifetime
exceeds the server's --token-max-ttl". The 401 message always says which rule refused it.

**Errors.** Every error answer has the same shape; \`field\` names the member or query
parameter at fault, or is null:

${example(e400)}

${example(e401)}

| status | codes |
| --- | --- |
| 400 | \`invalid_json\`, \`unknown_field\`, \`missing_field\`, \`invalid_type\`, \`out_of_range\`, \`too_long\`, \`too_short\`, \`invalid_uuid\`, \`invalid_email\`, \`invalid_value\`, \`invalid\`; from the HTTP layer (see **HTTP** below): \`bad_request\`, \`invalid_content_length\`, \`conflicting_length\`, \`invalid_transfer_encoding\`, \`missing_host\`, \`invalid_path\`, \`invalid_query\` |
| 401 | \`unauthorized\` (missing, malformed, unknown, revoked or expired credentials) |
| 403 | \`forbidden\` (a permission or grant is missing), \`wrong_room\` (the token is for another room), \`wrong_password\`, \`not_joined\`, \`banned\` (removed from the session with \`ban: true\`) |
| 404 | \`not_found\` (unknown route, or no such resource in your org) |
| 405 | \`method_not_allowed\` (the \`Allow\` header lists the methods) |
| 409 | \`conflict\`, \`wrong_room\` (a signal's addressee is not in the sender's session), \`name_taken\`, \`session_exists\`, \`session_ended\`, \`invalid_transition\`, \`room_full\`, \`not_a_stage\`, \`request_pending\`, \`request_not_pending\`, \`already_speaker\`, \`not_a_speaker\`, \`already_moderator\`, \`moderator_limit\`, \`participant_not_present\`, \`participant_gone\` (the participant left or was removed or denied), \`not_waiting\` (admit/deny of a participant not in the waiting room) |
| 408 | \`request_timeout\` (the request was not whole within \`--header-timeout\`) |
| 413 | \`body_too_large\` |
| 414 | \`uri_too_long\` |
| 417 | \`expectation_failed\` (an \`Expect\` other than \`100-continue\`) |
| 426 | \`upgrade_required\` (a WebSocket version other than 13) |
| 431 | \`headers_too_large\` |
| 500 | \`internal\` |
| 501 | \`method_not_implemented\`, \`unsupported_transfer_encoding\` |
| 503 | \`unavailable\` (the store is busy: retry), \`not_ready\` (\`/readyz\` only), \`too_many_connections\` (\`--max-connections\`; \`Retry-After\` says when) |
| 505 | \`http_version_not_supported\` |

${example(ctx.intro404 && shots.find((r) => r.status === 404 && r.pattern === '/v1/widgets'))}

${example(shots.find((r) => r.status === 405))}

**HTTP.** voxd speaks HTTP/1.1 (RFC 9112) strictly, with keep-alive and pipelining: requests
sent back to back on one connection are answered in order. HEAD works wherever GET does.
Request bodies may use \`Content-Length\` or \`Transfer-Encoding: chunked\`, and
\`Expect: 100-continue\` is answered. A refusal is always an HTTP answer with a JSON error;
those that leave the connection unreadable (framing, limits, timeouts) add
\`Connection: close\`: a \`Content-Length\` that is not digits only or is given twice, one
together with \`Transfer-Encoding\`, a transfer coding other than \`chunked\`, a missing
\`Host\`, an HTTP version other than 1.0 and 1.1, chunked framing whose lines do not end with
CRLF (400 \`bad_request\`). A request the client cuts short by half-closing is answered 400
\`bad_request\` too, and an HTTP/1.0 connection persists only with \`Connection: keep-alive\`,
which the answer then repeats. In the path, \`%2F\` is not a separator (it
stays part of its segment, so \`/v1/rooms/$ROOM_ID%2Fx\` is 400 \`invalid_uuid\`), and
\`%00\` or a malformed escape is 400 \`invalid_path\` (\`invalid_query\` in the query, where
\`+\` is a space). \`voxd --tls-cert FILE --tls-key FILE\` serves HTTPS and WSS instead of
HTTP. \`--cors-origin\` (a comma-separated list of origins, or \`*\`) lets a browser app on
another origin call the API: matching requests get \`Access-Control-Allow-Origin\` and
preflights (\`OPTIONS\` with \`Access-Control-Request-Method\`) get 204 with the allowed
methods and headers.

**Limits.** Each in one place; every one is tested at its boundary
(\`tests/integration/edge.test.mjs\`, \`tests/ws/edge.test.mjs\`):

| what | limit | beyond it |
| --- | --- | --- |
| request target (path and query) | 16,384 bytes | 414 \`uri_too_long\` |
| header section | 32,768 bytes of field names and values, 64 lines | 431 \`headers_too_large\` |
| request body | 65,536 bytes (after chunked decoding) | 413 \`body_too_large\` |
| query parameters | 24 | 400 \`invalid_query\` |
| time to send a whole request | \`--header-timeout\` (10 s) | 408 \`request_timeout\` |
| idle keep-alive connection | \`--idle-timeout\` (60 s) | closed |
| an answer the client does not read | \`--idle-timeout\` (60 s) | connection reset (at most 1 MiB of answers waits per connection) |
| open connections | \`--max-connections\` (10,000) | 503 \`too_many_connections\` |
| access token | every token \`POST /v1/tokens\` can mint (its field limits below) fits both the \`Authorization\` header and \`?access_token=\` | |
| WebSocket message | 16,384 bytes | close 1009 (docs/PROTOCOL.md) |

**Paging.** List answers that page take \`limit\` (1–500, default 50) and \`offset\` (default 0)
and echo both; an out-of-range value is 400 \`out_of_range\`. A page shorter than \`limit\` is
the last. The event log also has a cursor: \`after=<seq>\` with the previous page's
\`next_after\`.

**Times** are RFC 3339 UTC strings with milliseconds (\`2030-01-15T09:00:00.000Z\`), or null
when unset. Query parameters and \`scheduled_at\` also accept integer milliseconds.

**Durability.** Writes are group-committed: the server batches the changes of one loop
iteration into one transaction, and sends each answer only once its change is durable. A
refused request (any 4xx/5xx) changes nothing. Every change appends an event to the org's
event log (\`GET /v1/events\`), api keys' creation and revocation included
(\`api_key.created\`, \`api_key.revoked\`, never with the secret).

**Location.** Creating a room, category, session, participant or stage request answers 201 with
a \`Location\` header naming the new resource.

## OpenAPI and generated clients

\`GET /v1/openapi.json\` is an OpenAPI 3.0 document of every operation below: its path and
query parameters (with their ranges, enums and defaults), request bodies, the answer schema of
each success status (listed under [Answer schemas](#answer-schemas)), the error statuses it can
answer, the credentials it takes, and an \`operationId\` and tag for generators. Ids have format
\`uuid\` (api key ids excepted), times \`date-time\`, room types, roles, states and
permissions are enums. The server builds it from the same tables it routes and validates with,
and the test suite checks it: every answer against its schema, every query parameter against
its handler, and a client generated from it against the server.

Any OpenAPI 3 generator works from it. For TypeScript, \`openapi-typescript\` turns it into
types and \`openapi-fetch\` into a typed client (the pair the tests use):

${fence('sh', `npm install openapi-fetch && npm install -D openapi-typescript typescript
npx openapi-typescript "$VOX_URL/v1/openapi.json" -o vox-api.d.ts`)}

${fence('ts', `import createClient from 'openapi-fetch';
import type { paths } from './vox-api';

const auth = 'Basic ' + btoa(\`\${process.env.VOX_API_KEY}:\${process.env.VOX_API_SECRET}\`);
const vox = createClient<paths>({ baseUrl: process.env.VOX_URL, headers: { Authorization: auth } });

const { data: room, error } = await vox.POST('/v1/rooms', { body: { name: 'standup', type: 'voice' } });
if (error) throw new Error(error.error.message); // error is the Error schema
const { data } = await vox.GET('/v1/rooms/{room_id}/participants', {
  params: { path: { room_id: room.id }, query: { status: 'present' } },
});
console.log(data?.participants.map((p) => \`\${p.name}: \${p.media.audio ? 'on' : 'muted'}\`));`)}

For other languages, \`openapi-generator-cli generate -i "$VOX_URL/v1/openapi.json" -g python\`
(or \`-g go\`, \`-g java\`, ...) names each method after its \`operationId\` (\`createRoom\`,
\`listRoomParticipants\`, ...).
`;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const toStdout = process.argv.includes('--stdout') || process.argv.includes('-');
  vox = await new Voxd().start();
  const ctx = {};
  try {
    await scenario(ctx);
  } finally {
    await vox.destroy();
  }
  const ops = [];
  for (const [path, item] of Object.entries(ctx.openapi.paths))
    for (const [m, op] of Object.entries(item)) ops.push({ key: `${m.toUpperCase()} ${path}`, path, op });
  const missing = ops.filter((o) => !shots.some((r) => r.op === o.key && r.show === 'example' && r.status < 400));
  if (missing.length) {
    console.error(`gen-api-docs: no example for ${missing.length} operation(s):\n${missing.map((o) => `  ${o.key}`).join('\n')}`);
    process.exit(1);
  }
  const known = new Set(ops.map((o) => o.key));
  const stray = [...new Set(shots.filter((r) => r.show === 'example' && !known.has(r.op)).map((r) => r.op))];
  if (stray.length) {
    console.error(`gen-api-docs: examples for operations not in openapi.json: ${stray.join(', ')}`);
    process.exit(1);
  }
  const head = intro(ctx, ops.length);
  const bySection = new Map(SECTION_ORDER.map((s) => [s, []]));
  for (const o of ops) bySection.get(SECTIONS.find(([, f]) => f(o.path))[0]).push(o);
  const toc = [];
  const body = [];
  for (const [name, list] of bySection) {
    if (!list.length) continue;
    const anchor = name.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
    toc.push(`- [${name}](#${anchor}): ${list.map((o) => `\`${o.key}\``).join(', ')}`);
    body.push(`## ${name}`, '', ...(SECTION_TEXT[name] ? [SECTION_TEXT[name], ''] : []), ...list.map((o) => endpoint(o.key, o.op) + '\n'));
  }
  const schemas = schemaSection(ctx.openapi.components.schemas);
  const doc = `${head}\n## Endpoints\n\n${toc.join('\n')}\n\n${body.join('\n')}\n${schemas}\n`.replace(/\n{3,}/g, '\n\n');
  if (toStdout) process.stdout.write(doc);
  else {
    writeFileSync(OUT, doc);
    console.error(`gen-api-docs: wrote ${OUT} (${ops.length} operations, ${shots.length} calls)`);
  }
}

// Runs the scenario once against a started voxd; each call is {op, method, pattern, params,
// query, status, ctype, json, text, show} (show false for setup calls).
export async function record(voxd) {
  vox = voxd;
  const ctx = {};
  await scenario(ctx);
  return shots;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    console.error(`gen-api-docs: ${e.stack || e}`);
    process.exit(1);
  });
}
