// SPDX-License-Identifier: MIT
// GET /v1/openapi.json against the server it describes:
// - the document is valid OpenAPI 3 (Redocly's linter, when node_modules has it);
// - every answer of the docs scenario (tools/gen-api-docs.mjs calls every operation) matches the
//   schema the document gives for that operation and status, members the schema does not list
//   included, and every operation gets at least one checked success answer;
// - every query parameter the document lists is read by its handler (a bad value is refused
//   naming it, good values are accepted) and no other is (a bad value of any other listed name
//   is ignored); every name the handlers' source reads is listed;
// - an off-the-shelf generator (openapi-typescript) turns it into types that compile with a
//   typed client (openapi-fetch) that then talks to the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Voxd, ADMIN_TOKEN } from './lib.mjs';
import { record } from '../../tools/gen-api-docs.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const require = createRequire(join(ROOT, 'package.json'));
const hasPackage = (name) => existsSync(join(ROOT, 'node_modules', name, 'package.json'));

let vox, doc;
before(async () => {
  vox = await new Voxd().start();
  const r = await vox.req('GET', '/v1/openapi.json');
  assert.equal(r.status, 200, r.text);
  doc = r.body;
});
after(async () => { await vox.destroy(); });

// ---------------------------------------------------------------------------------------------
// A validator for the JSON-schema subset the document uses. Strict on objects: a member the
// schema does not list is a problem unless the schema says additionalProperties: true.

const FORMATS = {
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  'date-time': (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d\d-\d\d$/.test(v) && !Number.isNaN(Date.parse(v)),
  email: (v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v),
  int32: (v) => v >= -(2 ** 31) && v < 2 ** 31,
  int64: (v) => Number.isSafeInteger(v),
};

function deref(schema) {
  let s = schema;
  for (let i = 0; s && s.$ref && i < 16; i++) s = doc.components.schemas[s.$ref.replace('#/components/schemas/', '')];
  return s;
}

const TYPES = {
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: Number.isInteger,
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
};

function checkScalar(s, v, at, out) {
  if (s.enum && !s.enum.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${s.enum.join(', ')}`);
  if (s.format && FORMATS[s.format] && !FORMATS[s.format](v)) out.push(`${at}: ${JSON.stringify(v)} is not ${s.format}`);
  if (s.pattern && !new RegExp(s.pattern).test(v)) out.push(`${at}: ${JSON.stringify(v)} does not match ${s.pattern}`);
  if (s.minimum !== undefined && v < s.minimum) out.push(`${at}: ${v} < ${s.minimum}`);
  if (s.maximum !== undefined && v > s.maximum) out.push(`${at}: ${v} > ${s.maximum}`);
  if (s.maxLength !== undefined && v.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
}

function checkObject(s, v, at, out) {
  for (const k of s.required || []) if (!(k in v)) out.push(`${at}: lacks required member ${k}`);
  for (const [k, x] of Object.entries(v)) {
    if (s.properties && k in s.properties) validate(s.properties[k], x, `${at}.${k}`, out);
    else if (s.additionalProperties !== true) out.push(`${at}.${k}: a member the schema does not list`);
  }
}

// Returns the problems found ("$.path: what"); none when v conforms to schema.
function validate(schema, v, at = '$', out = []) {
  const s = deref(schema);
  if (!s) return out.concat(`${at}: unresolved ${schema.$ref}`);
  if (!s.type) return out; // any value
  if (v === null) {
    if (!s.nullable) out.push(`${at}: null, but the schema is not nullable`);
    return out;
  }
  if (!TYPES[s.type](v)) return out.concat(`${at}: ${JSON.stringify(v)?.slice(0, 60)} is not ${s.type}`);
  if (s.type === 'object') checkObject(s, v, at, out);
  else if (s.type === 'array') v.forEach((x, i) => validate(s.items, x, `${at}[${i}]`, out));
  else checkScalar(s, v, at, out);
  return out;
}

test('the validator refuses what the schemas do not allow', () => {
  // Guards the checks below against a validator that accepts everything.
  const room = { $ref: '#/components/schemas/Room' };
  assert.ok(validate(room, { id: 'x' }).length > 0);
  assert.ok(validate({ $ref: '#/components/schemas/Category' },
    { id: randomUUID(), name: 'n', position: 1, created_at: '2026-01-02T03:04:05.000Z', updated_at: null }).length > 0);
  assert.ok(validate({ $ref: '#/components/schemas/Category' },
    { id: randomUUID(), name: 'n', position: 1, created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-01-02T03:04:05.000Z', extra: 1 }).length > 0);
  assert.deepEqual(validate({ $ref: '#/components/schemas/Category' },
    { id: randomUUID(), name: 'n', position: 1, created_at: '2026-01-02T03:04:05.000Z',
      updated_at: '2026-01-02T03:04:05.000Z' }), []);
});

// ---------------------------------------------------------------------------------------------

test('the document is valid OpenAPI 3 (Redocly recommended rules)', async (t) => {
  if (!hasPackage('@redocly/openapi-core')) {
    console.log('# skipped: node_modules lacks @redocly/openapi-core (make deps runs npm ci)');
    t.skip('node_modules lacks @redocly/openapi-core');
    return;
  }
  const { lintFromString, createConfig } = require('@redocly/openapi-core');
  const config = await createConfig({
    extends: ['recommended'],
    rules: {
      'operation-4xx-response': 'off', // /healthz, /metrics and the document itself never refuse
      'info-license-strict': 'off', // the license is named (MIT); there is no URL to give
    },
  });
  const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
  const text = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`);
  assert.deepEqual(text, []);
});

function operations() {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) ops.push({ key: `${method.toUpperCase()} ${path}`, path, method, op });
  return ops;
}

// Checks one answer against the operation's documented answers; returns the problems.
function checkAnswer(op, key, status, { json, text, ctype, location }) {
  const res = op.responses[String(status)] ?? (status >= 500 ? op.responses.default : undefined);
  if (!res) return [`${key} answered ${status}, which the document does not list`];
  const out = [];
  const media = res.content?.['application/json'];
  if (media) {
    if (!ctype.includes('application/json')) out.push(`${key} ${status}: content-type ${ctype}`);
    else validate(media.schema, json, `${key} ${status} $`, out);
  } else if (res.content?.['text/plain']) {
    if (!ctype.startsWith('text/plain')) out.push(`${key} ${status}: content-type ${ctype}`);
  } else if (text !== '') {
    out.push(`${key} ${status}: a body the document does not describe`);
  }
  if (res.headers?.Location && !location) out.push(`${key} ${status}: no Location header`);
  return out;
}

test('every answer of the docs scenario matches its documented schema, every operation covered', async () => {
  const shots = await record(vox);
  const problems = [];
  const covered = new Set();
  let checked = 0;
  for (const s of shots) {
    const op = doc.paths[s.pattern]?.[s.method.toLowerCase()];
    if (!op) {
      assert.ok([404, 405].includes(s.status), `${s.op} is in no route table yet answered ${s.status}`);
      continue;
    }
    problems.push(...checkAnswer(op, s.op, s.status, s));
    checked++;
    if (s.status < 300) covered.add(s.op);
  }
  assert.deepEqual(problems, []);
  const uncovered = operations().map((o) => o.key).filter((k) => !covered.has(k));
  assert.deepEqual(uncovered, [], 'operations without a checked success answer');
  assert.ok(checked > 100, `only ${checked} answers checked`);
});

// ---------------------------------------------------------------------------------------------
// Query parameters: probed against the handlers.

// A value the handler must refuse, from the parameter's schema.
function badValues(s) {
  if (s.type === 'integer') return [String(s.minimum - 1), ...(s.maximum !== undefined ? [String(s.maximum + 1)] : []), '1x'];
  if (s.format === 'uuid') return ['not-a-uuid'];
  if (s.format === 'date-time') return ['yesterday'];
  if (s.enum) return ['no-such-value'];
  if (s.pattern) return ['Not valid!'];
  return [];
}

// Sample values for pattern-checked strings; each must match the declared pattern.
const PATTERN_SAMPLES = { type: ['participant.joined', 'participant.*', 'session.started'] };

function goodValues(name, s) {
  if (s.type === 'integer') return [...new Set([s.minimum, s.maximum, s.default].filter((x) => x !== undefined))].map(String);
  if (s.format === 'uuid') return [randomUUID()];
  if (s.format === 'date-time') return ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123Z', String(Date.UTC(2026, 0, 2))];
  if (s.enum) return s.enum;
  if (s.pattern) {
    const ok = (PATTERN_SAMPLES[name] || []).filter((v) => new RegExp(s.pattern).test(v));
    assert.ok(ok.length, `no sample value of ${name} matches ${s.pattern}`);
    return ok;
  }
  return [];
}

// Resources whose ids fill the path parameters of the GET operations.
async function fixtures() {
  const org = await vox.req('POST', '/v1/orgs', { auth: `Bearer ${ADMIN_TOKEN}`, body: { name: 'probe' } });
  assert.equal(org.status, 201, org.text);
  const key = 'Basic ' + Buffer.from(`${org.body.api_key.id}:${org.body.api_key.secret}`).toString('base64');
  const ok = async (method, path, body) => {
    const r = await vox.req(method, path, { auth: key, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };
  const cat = await ok('POST', '/v1/categories', { name: 'probes' });
  const room = await ok('POST', '/v1/rooms', { name: 'probe-stage', type: 'stage', category_id: cat.id });
  const p = await ok('POST', `/v1/rooms/${room.id}/participants`, { identity: 'pat' });
  const rq = await ok('POST', `/v1/rooms/${room.id}/stage/requests`, { participant_id: p.id });
  return {
    key,
    ids: { org_id: org.body.id, category_id: cat.id, room_id: room.id, session_id: p.session_id,
      participant_id: p.id, request_id: rq.id, key_id: org.body.api_key.id },
  };
}

test('every query parameter listed is read and checked by its handler, and no other', async () => {
  const { key, ids } = await fixtures();
  const gets = operations().filter((o) => o.method === 'get');
  const known = new Map(); // name -> a schema it is declared with
  for (const o of gets) for (const p of o.op.parameters.filter((x) => x.in === 'query')) known.set(p.name, p.schema);
  assert.ok(known.size >= 10, `only ${known.size} query parameters in the document`);
  const problems = [];
  let sent = 0;
  for (const o of gets) {
    const auth = o.op.security.some((s) => 'admin' in s) ? `Bearer ${ADMIN_TOKEN}` : o.op.security.length ? key : undefined;
    const path = o.path.replace(/\{(\w+)\}/g, (_, k) => ids[k]);
    const get = async (name, value) => {
      sent++;
      return vox.req('GET', `${path}?${name}=${encodeURIComponent(value)}`, { auth });
    };
    const declared = new Map(o.op.parameters.filter((x) => x.in === 'query').map((p) => [p.name, p.schema]));
    for (const [name, s] of declared) {
      const bad = badValues(s);
      if (!bad.length) problems.push(`${o.key} ?${name}: no value the schema refuses, so no probe can tell it is read`);
      for (const v of bad) {
        const r = await get(name, v);
        if (r.status !== 400 || r.body?.error?.field !== name)
          problems.push(`${o.key} ?${name}=${v}: expected 400 naming ${name}, got ${r.status} ${r.text.slice(0, 120)}`);
        else problems.push(...checkAnswer(o.op, `${o.key} ?${name}=${v}`, r.status, { json: r.body, text: r.text, ctype: r.headers.get('content-type') || '' }));
      }
      for (const v of goodValues(name, s)) {
        const r = await get(name, v);
        if (r.status !== 200) problems.push(`${o.key} ?${name}=${v}: expected 200, got ${r.status} ${r.text.slice(0, 120)}`);
        else problems.push(...checkAnswer(o.op, `${o.key} ?${name}=${v}`, 200, { json: r.body, text: r.text, ctype: r.headers.get('content-type') || '' }));
      }
    }
    for (const [name, s] of known) {
      if (declared.has(name)) continue;
      const r = await get(name, badValues(s)[0]);
      if (r.status !== 200) problems.push(`${o.key} reads ?${name} (not listed in the document): ${r.status} ${r.text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(sent > 300, `only ${sent} probes sent`);
});

test('path ids documented as uuid are refused as invalid_uuid when malformed, 404 when unknown', async () => {
  const { key, ids } = await fixtures();
  const problems = [];
  for (const o of operations().filter((x) => x.method === 'get')) {
    const auth = o.op.security.some((s) => 'admin' in s) ? `Bearer ${ADMIN_TOKEN}` : key;
    for (const p of o.op.parameters.filter((x) => x.in === 'path')) {
      if (p.schema.format !== 'uuid') continue;
      const fill = (v) => o.path.replace(/\{(\w+)\}/g, (_, k) => (k === p.name ? v : ids[k]));
      const bad = await vox.req('GET', fill('not-a-uuid'), { auth });
      if (bad.status !== 400 || bad.body?.error?.code !== 'invalid_uuid' || bad.body.error.field !== p.name)
        problems.push(`${o.key} {${p.name}}=not-a-uuid: ${bad.status} ${bad.text.slice(0, 120)}`);
      const unknown = await vox.req('GET', fill(randomUUID()), { auth });
      if (unknown.status !== 404) problems.push(`${o.key} {${p.name}} unknown: ${unknown.status} ${unknown.text.slice(0, 120)}`);
      problems.push(...checkAnswer(o.op, `${o.key} {${p.name}}`, unknown.status,
        { json: unknown.body, text: unknown.text, ctype: unknown.headers.get('content-type') || '' }));
    }
  }
  assert.deepEqual(problems, []);
});

test('every query parameter the handlers read is in the document', () => {
  // The WebSocket upgrade (/v1/rtc, src/api/rtc*.c) is not a REST operation: its access_token
  // parameter is documented in docs/PROTOCOL.md.
  const dir = join(ROOT, 'src/api');
  const CALL = /\b(?:http_query|api_query_int|api_query_time|api_query_uuid)\s*\([^,()]+,\s*"([^"]+)"/g;
  const read = new Set();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c') && !n.startsWith('rtc'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    for (const m of src.matchAll(CALL)) read.add(m[1]);
  }
  assert.ok(read.has('limit') && read.has('offset') && read.has('status'), `the scan found only ${[...read]}`);
  const listed = new Set(operations().flatMap((o) => o.op.parameters.filter((p) => p.in === 'query').map((p) => p.name)));
  assert.deepEqual([...read].filter((n) => !listed.has(n)), [], 'read by a handler but in no operation of the document');
  assert.deepEqual([...listed].filter((n) => !read.has(n)), [], 'in the document but read by no handler');
});

// ---------------------------------------------------------------------------------------------
// An off-the-shelf generator: openapi-typescript types + the openapi-fetch client, compiled with
// strict tsc and run against the server.

const CLIENT_TS = `import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './vox-api.js';

type Schemas = components['schemas'];

export async function run(baseUrl: string, apiKey: string) {
  const vox = createClient<paths>({ baseUrl, headers: { Authorization: apiKey } });
  const made = await vox.POST('/v1/rooms', { body: { name: 'typed-client', type: 'voice', max_participants: 20 } });
  if (!made.data) throw new Error('createRoom answered ' + made.response.status);
  const room: Schemas['Room'] = made.data;
  const got = await vox.GET('/v1/rooms/{room_id}', { params: { path: { room_id: room.id } } });
  const list = await vox.GET('/v1/rooms', { params: { query: { type: 'voice', limit: 5 } } });
  const joined = await vox.POST('/v1/rooms/{room_id}/participants', {
    params: { path: { room_id: room.id } },
    body: { identity: 'tess', name: 'Tess', media: { audio: true } },
  });
  if (!joined.data) throw new Error('joinRoom answered ' + joined.response.status);
  const p: Schemas['Participant'] = joined.data;
  const people = await vox.GET('/v1/sessions/{session_id}/participants', {
    params: { path: { session_id: p.session_id }, query: { status: 'present' } },
  });
  const events = await vox.GET('/v1/events', { params: { query: { room_id: room.id, type: 'participant.*' } } });
  const missing = await vox.GET('/v1/rooms/{room_id}', {
    params: { path: { room_id: '00000000-0000-4000-8000-000000000000' } },
  });
  const bad = await vox.GET('/v1/rooms', { params: { query: { limit: 0 } } });
  const left = await vox.POST('/v1/participants/{participant_id}/leave', { params: { path: { participant_id: p.id } } });
  const minted = await vox.POST('/v1/tokens', {
    body: { identity: 'tess', room_id: room.id, ttl: 600, grants: { role: 'moderator', publish: false } },
  });
  return {
    roomName: got.data?.name ?? null,
    listed: list.data?.rooms.map((r) => r.id) ?? [],
    audio: p.media.audio,
    present: people.data?.participants.map((x) => x.identity) ?? [],
    eventTypes: events.data?.events.map((e) => e.type) ?? [],
    nextAfter: events.data?.next_after ?? null,
    missingCode: missing.error?.error.code ?? null,
    badField: bad.error?.error.field ?? null,
    badStatus: bad.response.status,
    leftStatus: left.data?.status ?? null,
    tokenGrants: minted.data?.grants ?? null,
  };
}

// Never called: each marked line must fail to compile, or tsc reports the unused directive.
// They show the generated types are precise rather than any.
export function typeChecks(vox: Client<paths>, room: Schemas['Room']) {
  // @ts-expect-error type is one of the room types
  void vox.GET('/v1/rooms', { params: { query: { type: 'hologram' } } });
  // @ts-expect-error name is required to create a room
  void vox.POST('/v1/rooms', { body: { type: 'voice' } });
  // @ts-expect-error room_id is a path parameter the call must give
  void vox.GET('/v1/rooms/{room_id}', {});
  // @ts-expect-error category_id may be null
  const category: string = room.category_id;
  // @ts-expect-error participant_count is only on channels
  const count: number = room.participant_count;
  // @ts-expect-error a participant's status is one of the statuses
  const status: Schemas['Participant']['status'] = 'online';
  // @ts-expect-error a token's grants.role is one of the roles
  void vox.POST('/v1/tokens', { body: { identity: 'x', room_id: room.id, grants: { role: 'king' } } });
  // @ts-expect-error no such operation
  void vox.GET('/v1/widgets');
  return [category, count, status];
}
`;

test('openapi-typescript generates types that compile with a typed client that works', async (t) => {
  const need = ['openapi-typescript', 'typescript', 'openapi-fetch'].filter((p) => !hasPackage(p));
  if (need.length) {
    console.log(`# skipped: node_modules lacks ${need.join(', ')} (make deps runs npm ci)`);
    t.skip(`node_modules lacks ${need.join(', ')}`);
    return;
  }
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ts = require('typescript');
  // Inside the tree so that both tsc and node find node_modules from the generated files.
  const out = join(ROOT, 'build', `openapi-client-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  try {
    writeFileSync(join(out, 'vox-api.d.ts'), astToString(await openapiTS(doc)));
    writeFileSync(join(out, 'client.ts'), CLIENT_TS);
    writeFileSync(join(out, 'package.json'), '{"type": "module"}\n');
    const program = ts.createProgram([join(out, 'client.ts')], {
      strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext, outDir: out, types: [],
    });
    const emitted = program.emit();
    const diags = ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics);
    const text = diags.map((d) => `${d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    assert.deepEqual(text, [], 'tsc --strict on the generated types and a client using them');

    const org = await vox.newOrg('typed');
    const { run } = await import(pathToFileURL(join(out, 'client.js')).href);
    const r = await run(vox.url, org.auth);
    assert.equal(r.roomName, 'typed-client');
    assert.equal(r.listed.length, 1);
    assert.equal(r.audio, true);
    assert.deepEqual(r.present, ['tess']);
    assert.ok(r.eventTypes.includes('participant.joined'), r.eventTypes.join(', '));
    assert.equal(typeof r.nextAfter, 'number');
    assert.equal(r.missingCode, 'not_found');
    assert.equal(r.badStatus, 400);
    assert.equal(r.badField, 'limit');
    assert.equal(r.leftStatus, 'left');
    assert.equal(r.tokenGrants.role, 'moderator');
    assert.equal(r.tokenGrants.publish, false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
