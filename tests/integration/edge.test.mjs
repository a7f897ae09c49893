// SPDX-License-Identifier: MIT
// The HTTP edge as a hostile client sees it (issue 6, docs/API.md "HTTP" and "Limits"): raw
// bytes on node:net sockets, pipelined in one write where that is the point. Each case asserts
// the exact answer (status line and reason phrase, the JSON error code, Connection: close and
// the server's close where the connection must end) and then that voxd serves GET /healthz on
// a fresh connection within 100 ms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { Voxd } from './lib.mjs';

const ORIGIN = 'https://app.example';
let vox;
let org;
before(async () => {
  vox = await new Voxd(['--cors-origin', `${ORIGIN}, https://other.example`]).start();
  org = await vox.newOrg('edge');
});
after(async () => { await vox.destroy(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const H = 'Host: x\r\n';
const HEALTH = `GET /healthz HTTP/1.1\r\n${H}\r\n`;
const uniq = (p) => `${p}-${Math.random().toString(36).slice(2, 10)}`;

// Parses the HTTP/1.1 answers in text (latin1). heads holds the indexes of answers to HEAD
// requests, which have no body whatever their Content-Length says.
function parseAnswers(text, heads = new Set()) {
  const answers = [];
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', pos);
    if (end < 0) break;
    const lines = text.slice(pos, end).split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3}) ([^\r\n]*)$/.exec(lines[0]);
    assert.ok(m, `not an HTTP/1.1 status line: ${JSON.stringify(lines[0])} in ${JSON.stringify(text.slice(0, 300))}`);
    const headers = {};
    const names = [];
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      assert.ok(i > 0, `bad header line ${JSON.stringify(l)}`);
      const k = l.slice(0, i).toLowerCase();
      assert.ok(!(k in headers), `header ${k} twice`);
      names.push(k);
      headers[k] = l.slice(i + 1).trim();
    }
    const status = Number(m[1]);
    const bodiless = status < 200 || status === 204 || status === 304 || heads.has(answers.length);
    const len = bodiless ? 0 : Number(headers['content-length']);
    assert.ok(Number.isInteger(len), `answer ${status} without a Content-Length`);
    if (text.length < end + 4 + len) break;
    const body = text.slice(end + 4, end + 4 + len);
    let json;
    try { json = JSON.parse(body); } catch { json = undefined; }
    answers.push({ status, line: lines[0], headers, names, body, json });
    pos = end + 4 + len;
  }
  return { answers, rest: text.slice(pos) };
}

// Opens a connection, writes bytes (a string is latin1) and collects answers until `want` of
// them arrived (the socket is left open: keep-alive) or, without want, until the server ends
// the connection. Bounded by ms; `ended` says whether the server closed its side.
function exchange(bytes, { port = vox.port, want, heads, ms = 5000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    let text = '';
    let ended = false;
    let done = false;
    const finish = (timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(t);
      s.destroy();
      resolve({ ...parseAnswers(text, heads), text, ended, timedOut });
    };
    const t = setTimeout(() => finish(true), ms);
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (want !== undefined && parseAnswers(text, heads).answers.length >= want) finish();
    });
    s.on('end', () => { ended = true; finish(); });
    s.on('error', () => finish());
  });
}

// GET /healthz on a fresh connection must be answered within 100 ms. The time includes this
// Node process's own scheduling on two shared cores (the sanitizer build runs beside another
// test file), so one slow probe is retried at once: a voxd that is really slow or stuck fails
// both.
async function healthy(port = vox.port) {
  let ms;
  for (let attempt = 0; attempt < 2; attempt++) {
    const t0 = performance.now();
    const r = await exchange(`GET /healthz HTTP/1.1\r\n${H}Connection: close\r\n\r\n`, { port, want: 1, ms: 2000 });
    ms = performance.now() - t0;
    assert.equal(r.answers[0]?.line, 'HTTP/1.1 200 OK', `no /healthz answer: ${r.text}`);
    assert.deepEqual(r.answers[0].json, { status: 'ok' });
    if (ms < 100) return;
  }
  assert.fail(`/healthz took ${ms.toFixed(1)} ms twice in a row`);
}

// A JSON error answer with this exact status line and code.
function assertError(a, line, code) {
  assert.ok(a, `no answer (expected ${line} ${code})`);
  assert.equal(a.line, line, a.body);
  assert.equal(a.headers['content-type'], 'application/json');
  assert.equal(a.json?.error?.code, code, a.body);
  assert.equal(typeof a.json.error.message, 'string');
  assert.equal(a.json.error.field, null);
}

// A refusal that ends the connection: exactly one answer, Connection: close, then the close.
async function refused(bytes, line, code, opts = {}) {
  const r = await exchange(bytes, opts);
  assert.ok(!r.timedOut, `the server did not close the connection; got ${JSON.stringify(r.text.slice(0, 300))}`);
  assert.ok(r.ended, 'the connection was reset, not closed after the answer');
  assert.equal(r.answers.length, 1, `expected one answer, got ${r.answers.length}: ${r.text.slice(0, 500)}`);
  assert.equal(r.rest, '', 'bytes after the answer');
  assertError(r.answers[0], line, code);
  assert.equal(r.answers[0].headers.connection, 'close');
  await healthy();
  return r.answers[0];
}

const post = (path, body, extra = '') =>
  `POST ${path} HTTP/1.1\r\n${H}${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const basic = () => `Authorization: ${org.auth}\r\n`;

test('the 114-byte pipeline of issue 6: two bodies in one write get two 401s in order and the connection stays usable', async () => {
  const one = 'POST /v1/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}';
  const bytes = one + one;
  assert.equal(Buffer.byteLength(bytes), 114);
  const r = await exchange(bytes + HEALTH, { want: 3 });
  assert.equal(r.answers.length, 3, r.text);
  for (const a of r.answers.slice(0, 2)) {
    assertError(a, 'HTTP/1.1 401 Unauthorized', 'unauthorized');
    assert.equal(a.headers.connection, undefined, 'a 401 keeps the connection');
  }
  assert.equal(r.answers[2].line, 'HTTP/1.1 200 OK');
  assert.ok(!r.ended);
  await healthy();
});

test('GET then POST with a body in one write: both answered, in order', async () => {
  const r = await exchange(HEALTH + post('/v1/rooms', '{"name":"x","type":"voice"}'), { want: 2 });
  assert.equal(r.answers[0].line, 'HTTP/1.1 200 OK');
  assert.deepEqual(r.answers[0].json, { status: 'ok' });
  assertError(r.answers[1], 'HTTP/1.1 401 Unauthorized', 'unauthorized');
  assert.equal(r.rest, '');
  await healthy();
});

test('100 pipelined POSTs with bodies in one write: 100 answers in request order', async () => {
  // Unknown routes name their path in the 404, so the order of the answers is visible.
  const reqs = Array.from({ length: 100 }, (_, i) => post(`/v1/no-such-${i}`, `{"i":${i}}`)).join('');
  const r = await exchange(reqs, { want: 100 });
  assert.equal(r.answers.length, 100, `${r.answers.length} answers`);
  r.answers.forEach((a, i) => {
    assertError(a, 'HTTP/1.1 404 Not Found', 'not_found');
    assert.equal(a.json.error.message, `no route for /v1/no-such-${i}`);
  });
  assert.equal(r.rest, '');
  await healthy();
});

test('pipelined authenticated creates are answered in order, each after its row is stored (group commit)', async () => {
  const own = await new Voxd().start();
  try {
    const o = await own.newOrg('commit');
    const names = Array.from({ length: 12 }, (_, i) => uniq(`pipe${i}`));
    // Each create is followed by a list: an answer is sent only once its change is stored,
    // and the request behind it runs only then, so list k sees exactly rooms 0..k.
    const bytes = names.map((n) =>
      post('/v1/rooms', JSON.stringify({ name: n, type: 'voice' }), `Authorization: ${o.auth}\r\nContent-Type: application/json\r\n`) +
      `GET /v1/rooms?limit=500 HTTP/1.1\r\n${H}Authorization: ${o.auth}\r\n\r\n`).join('');
    const r = await exchange(bytes, { port: own.port, want: names.length * 2 });
    assert.equal(r.answers.length, names.length * 2, r.text.slice(0, 500));
    const ids = [];
    names.forEach((n, i) => {
      const created = r.answers[2 * i];
      const list = r.answers[2 * i + 1];
      assert.equal(created.line, 'HTTP/1.1 201 Created', created.body);
      assert.equal(created.json.name, n, `answer ${2 * i} is for another request`);
      assert.equal(created.headers.location, `/v1/rooms/${created.json.id}`);
      ids.push(created.json.id);
      assert.equal(list.line, 'HTTP/1.1 200 OK');
      assert.deepEqual(list.json.rooms.map((x) => x.name).sort(), names.slice(0, i + 1).sort());
    });
    // "Answered" means "stored": kill voxd without letting it shut down, and every room the
    // answers named is there after the restart.
    own.proc.kill('SIGKILL');
    await own.exited;
    own.proc = null;
    await own.start();
    for (const [i, id] of ids.entries()) {
      const got = await o.req('GET', `/v1/rooms/${id}`);
      assert.equal(got.status, 200, `room ${i} was answered 201 but is gone after a crash: ${got.text}`);
      assert.equal(got.body.name, names[i]);
    }
    await healthy(own.port);
  } finally {
    await own.destroy();
  }
});

test('a held answer keeps its place: a create, then a framing error, then the client half-closing', async () => {
  const create = (n) => post('/v1/rooms', JSON.stringify({ name: n, type: 'voice' }), basic());
  const n1 = uniq('held');
  // The create's answer waits for the commit; the refusal behind it must not overtake it.
  const r = await exchange(create(n1) + `POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: x\r\n\r\n` + HEALTH);
  assert.ok(r.ended, r.text.slice(0, 300));
  assert.equal(r.answers.length, 2, r.text.slice(0, 800));
  assert.equal(r.answers[0].line, 'HTTP/1.1 201 Created');
  assert.equal(r.answers[0].json.name, n1);
  assertError(r.answers[1], 'HTTP/1.1 400 Bad Request', 'invalid_content_length');
  assert.equal(r.answers[1].headers.connection, 'close');
  await healthy();
  // Requests then FIN (as an HTTP/1.0-style client does): every one is answered, then the close.
  const names = [uniq('fin'), uniq('fin'), uniq('fin')];
  const got = await new Promise((resolve) => {
    const sock = net.connect(vox.port, '127.0.0.1', () => sock.end(names.map(create).join('')));
    let text = '';
    const t = setTimeout(() => { sock.destroy(); resolve({ text, ended: false }); }, 5000);
    sock.on('data', (d) => { text += d.toString('latin1'); });
    sock.on('end', () => { clearTimeout(t); sock.destroy(); resolve({ text, ended: true }); });
  });
  assert.ok(got.ended);
  const { answers, rest } = parseAnswers(got.text);
  assert.deepEqual(answers.map((a) => [a.status, a.json.name]), names.map((n) => [201, n]));
  assert.equal(rest, '');
  await healthy();
});

test('HTTP/1.0: keep-alive only when asked, and then said in the answer', async () => {
  const ka = await exchange(`GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n`);
  assert.ok(ka.ended);
  assert.equal(ka.answers.length, 2, ka.text);
  assert.equal(ka.answers[0].line, 'HTTP/1.1 200 OK');
  assert.equal(ka.answers[0].headers.connection, 'keep-alive');
  assert.equal(ka.answers[1].headers.connection, 'close');
  const err = await exchange(`GET /v1/nothing HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`, { want: 1 });
  assert.equal(err.answers[0].headers.connection, 'keep-alive');
  await healthy();
});

test('a pipelining client that does not read: others are served, and it gets every answer in order once it reads', async () => {
  const N = 30000;
  const bytes = Array.from({ length: N }, (_, i) => `GET /v1/r${i} HTTP/1.1\r\n${H}\r\n`).join('');
  const sock = net.connect(vox.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.pause();
  sock.write(bytes);
  // voxd stops reading this connection once its answers back up; the loop stays free.
  for (let i = 0; i < 5; i++) { await healthy(); await sleep(50); }
  let text = '';
  const all = new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), 15000);
    sock.on('data', (d) => {
      text += d.toString('latin1');
      if (text.endsWith(`no route for /v1/r${N - 1}","field":null}}`)) { clearTimeout(t); resolve(true); }
    });
  });
  sock.resume();
  assert.ok(await all, `only part of the answers arrived (${text.length} bytes)`);
  sock.destroy();
  const { answers, rest } = parseAnswers(text);
  assert.equal(answers.length, N);
  assert.equal(rest, '');
  answers.forEach((a, i) => assert.equal(a.json.error.message, `no route for /v1/r${i}`));
  await healthy();
});

test('two differing Content-Length headers are 400 invalid_content_length and close', async () => {
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}x`,
    'HTTP/1.1 400 Bad Request', 'invalid_content_length');
  // Given twice with one value is refused too (docs/API.md: "is given twice").
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}`,
    'HTTP/1.1 400 Bad Request', 'invalid_content_length');
});

test('two Content-Length whose larger value covers a second request: one 400, the hidden request is never run', async () => {
  const hidden = post('/v1/rooms', JSON.stringify({ name: 'smuggled', type: 'voice' }), basic());
  const body = `{}${hidden}`;
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}${basic()}Content-Length: 2\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    'HTTP/1.1 400 Bad Request', 'invalid_content_length');
  // Reversed order, same result.
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}${basic()}Content-Length: ${body.length}\r\nContent-Length: 2\r\n\r\n${body}`,
    'HTTP/1.1 400 Bad Request', 'invalid_content_length');
  const rooms = await org.ok('GET', '/v1/rooms?limit=500');
  assert.ok(!rooms.rooms.some((x) => x.name === 'smuggled'), 'the smuggled request created a room');
});

test('a Content-Length that is not digits only is 400 invalid_content_length and closes', async () => {
  for (const v of ['+2', '-1', '0x10', '1 2', '', '2,2', '99999999999999999999']) {
    await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: ${v}\r\n\r\n{}`, 'HTTP/1.1 400 Bad Request', 'invalid_content_length');
  }
  // Twenty digits that fit in 64 bits are digits only, and far over the body limit.
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 12345678901234567890\r\n\r\n{}`,
    'HTTP/1.1 413 Content Too Large', 'body_too_large');
  // Leading zeros and optional whitespace around the value are still digits only.
  const r = await exchange(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length:   002 \r\n\r\n{}` + HEALTH, { want: 2 });
  assertError(r.answers[0], 'HTTP/1.1 401 Unauthorized', 'unauthorized');
  assert.equal(r.answers[1].line, 'HTTP/1.1 200 OK', 'the body was not read as 2 bytes');
  await healthy();
});

test('Content-Length with Transfer-Encoding is 400 conflicting_length and closes', async () => {
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    'HTTP/1.1 400 Bad Request', 'conflicting_length');
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n`,
    'HTTP/1.1 400 Bad Request', 'conflicting_length');
});

test('a transfer coding other than chunked is refused and closes', async () => {
  // The last coding is not chunked: the body's end cannot be found (RFC 9112 6.3).
  for (const te of ['gzip', 'identity', 'chunked, gzip']) {
    await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Transfer-Encoding: ${te}\r\n\r\n{}`, 'HTTP/1.1 400 Bad Request', 'invalid_transfer_encoding');
  }
  // Chunked last, but a coding before it voxd does not implement.
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
    'HTTP/1.1 501 Not Implemented', 'unsupported_transfer_encoding');
});

test('a chunked body is read whole: it creates a room with a real key, and the next request follows', async () => {
  const name = uniq('chunked');
  const json = JSON.stringify({ name, type: 'video', metadata: { pad: 'p'.repeat(300) } });
  const parts = [json.slice(0, 7), json.slice(7, 200), json.slice(200)];
  const body = parts.map((p, i) => `${p.length.toString(16)}${i === 1 ? ';ext=1' : ''}\r\n${p}\r\n`).join('') + '0\r\nX-Trailer: t\r\n\r\n';
  const r = await exchange(`POST /v1/rooms HTTP/1.1\r\n${H}${basic()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body}` + HEALTH, { want: 2 });
  const created = r.answers[0];
  assert.equal(created?.line, 'HTTP/1.1 201 Created', r.text);
  assert.equal(created.json.name, name);
  assert.equal(created.json.type, 'video');
  assert.equal(created.json.metadata.pad.length, 300);
  assert.equal(r.answers[1].line, 'HTTP/1.1 200 OK');
  assert.equal((await org.ok('GET', `/v1/rooms/${created.json.id}`)).name, name);
  await healthy();
});

test('chunked framing errors and a chunked body over the limit are refused with an answer', async () => {
  const chunked = (rest) => `POST /v1/rooms HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${rest}`;
  // A chunk size past 2^64 cannot be a body voxd would take.
  await refused(chunked('1FFFFFFFFFFFFFFFF\r\n'), 'HTTP/1.1 413 Content Too Large', 'body_too_large');
  await refused(chunked('zz\r\n'), 'HTTP/1.1 400 Bad Request', 'bad_request');
  // Each chunk's data ends with CRLF and each CR is followed by LF: http-parser as Debian
  // builds it took any bytes there, so "XX" in place of a CRLF made a whole body.
  for (const body of ['2\r\n{}XX0\r\n\r\n', '2\r\n{}\r0\r\n\r\n', '2\rX{}\r\n0\r\n\r\n', '0\rX\r\n', '0\r\n\rX']) {
    await refused(chunked(body), 'HTTP/1.1 400 Bad Request', 'bad_request');
  }
  // The same at the end of a header section.
  await refused(`GET /healthz HTTP/1.1\r\n${H}\rX`, 'HTTP/1.1 400 Bad Request', 'bad_request');
  // 65,537 bytes in three chunks: the limit counts the decoded body.
  const big = `8000\r\n${' '.repeat(0x8000)}\r\n8000\r\n${' '.repeat(0x8000)}\r\n1\r\n \r\n0\r\n\r\n`;
  await refused(chunked(big), 'HTTP/1.1 413 Content Too Large', 'body_too_large');
});

test('header section limits: 32,768 bytes of names and values and 64 lines pass, one more is 431 and closes', async () => {
  // h1.c counts the bytes of field names and values (Host: x counts 5).
  const pad = (n) => `GET /healthz HTTP/1.1\r\n${H}X-Pad: ${'a'.repeat(n)}\r\n\r\n`;
  const at = await exchange(pad(32768 - 5 - 5), { want: 1 });
  assert.equal(at.answers[0]?.line, 'HTTP/1.1 200 OK', at.text.slice(0, 300));
  await refused(pad(32768 - 5 - 5 + 1), 'HTTP/1.1 431 Request Header Fields Too Large', 'headers_too_large');
  const lines = (n) => `GET /healthz HTTP/1.1\r\n${H}${Array.from({ length: n - 1 }, (_, i) => `X-${i}: 1\r\n`).join('')}\r\n`;
  const ok = await exchange(lines(64), { want: 1 });
  assert.equal(ok.answers[0]?.line, 'HTTP/1.1 200 OK', ok.text.slice(0, 300));
  await refused(lines(65), 'HTTP/1.1 431 Request Header Fields Too Large', 'headers_too_large');
});

test('request target limit: 16,384 bytes pass, one more is 414 and closes', async () => {
  const target = (n) => `/healthz?p=${'a'.repeat(n - '/healthz?p='.length)}`;
  const ok = await exchange(`GET ${target(16384)} HTTP/1.1\r\n${H}\r\n`, { want: 1 });
  assert.equal(ok.answers[0]?.line, 'HTTP/1.1 200 OK', ok.text.slice(0, 300));
  await refused(`GET ${target(16385)} HTTP/1.1\r\n${H}\r\n`, 'HTTP/1.1 414 URI Too Long', 'uri_too_long');
});

test('body limit: 65,536 bytes pass, one more is 413 with Connection: close', async () => {
  const name = uniq('big');
  const json = JSON.stringify({ name, type: 'voice' });
  const body = json + ' '.repeat(65536 - json.length);
  const r = await exchange(post('/v1/rooms', body, basic()), { want: 1 });
  assert.equal(r.answers[0]?.line, 'HTTP/1.1 201 Created', r.text.slice(0, 300));
  assert.equal(r.answers[0].json.name, name);
  // Refused from the header alone: the client need not send the body to learn it.
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}${basic()}Content-Length: 65537\r\n\r\n`, 'HTTP/1.1 413 Content Too Large', 'body_too_large');
  // And with the body sent.
  await refused(post('/v1/rooms', body + ' ', basic()), 'HTTP/1.1 413 Content Too Large', 'body_too_large');
});

test('every refusal is an HTTP answer, never a silent close', async () => {
  const cases = [
    ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'HTTP/1.1 400 Bad Request', 'bad_request'], // a TLS ClientHello
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [`BREW /healthz HTTP/1.1\r\n${H}\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [`PROPFIND /healthz HTTP/1.1\r\n${H}\r\n`, 'HTTP/1.1 501 Not Implemented', 'method_not_implemented'],
    ['GET /healthz HTTP/1.1\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'missing_host'],
    [`GET /healthz HTTP/1.1\r\n${H}${H}\r\n`, 'HTTP/1.1 400 Bad Request', 'missing_host'],
    [`GET /healthz HTTP/2.0\r\n${H}\r\n`, 'HTTP/1.1 505 HTTP Version Not Supported', 'http_version_not_supported'],
    ['GET /healthz\r\n\r\n', 'HTTP/1.1 505 HTTP Version Not Supported', 'http_version_not_supported'],
    [`GET /a b HTTP/1.1\r\n${H}\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [`GET /healthz HTTP/1.1\r\n${H}X-A: a\x00b\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [`GET /healthz HTTP/1.1\r\n${H}X-A\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request'],
    [`POST /v1/rooms HTTP/1.1\r\n${H}Expect: teapot\r\nContent-Length: 2\r\n\r\n{}`, 'HTTP/1.1 417 Expectation Failed', 'expectation_failed'],
    // Refused before any 100 Continue: the client need not send the body to learn it.
    [`POST /v1/rooms HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 65537\r\n\r\n`, 'HTTP/1.1 413 Content Too Large', 'body_too_large'],
  ];
  for (const [bytes, line, code] of cases) await refused(bytes, line, code);
});

test('a request cut short by the client half-closing is answered 400, not dropped', async () => {
  for (const partial of [`GET /healthz HTTP/1.1\r\n${H}`, `POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\n{"a"`]) {
    const got = await new Promise((resolve) => {
      const s = net.connect(vox.port, '127.0.0.1', () => s.end(partial));
      let text = '';
      const t = setTimeout(() => { s.destroy(); resolve({ text, ended: false }); }, 3000);
      s.on('data', (d) => { text += d.toString('latin1'); });
      s.on('end', () => { clearTimeout(t); s.destroy(); resolve({ text, ended: true }); });
      s.on('error', () => { clearTimeout(t); resolve({ text, ended: false }); });
    });
    assert.ok(got.ended, 'not closed');
    const { answers } = parseAnswers(got.text);
    assert.equal(answers.length, 1, `no answer to ${JSON.stringify(partial)}: ${JSON.stringify(got.text)}`);
    assertError(answers[0], 'HTTP/1.1 400 Bad Request', 'bad_request');
    assert.equal(answers[0].headers.connection, 'close');
    await healthy();
  }
});

test('Expect: 100-continue gets its interim answer, then the real one', async () => {
  const r = await exchange(`POST /v1/rooms HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 2\r\n\r\n{}`, { want: 2 });
  assert.equal(r.answers[0].line, 'HTTP/1.1 100 Continue');
  assertError(r.answers[1], 'HTTP/1.1 401 Unauthorized', 'unauthorized');
  await healthy();
});

test('%00 in the path or the query is 400 (invalid_path, invalid_query); the connection stays usable', async () => {
  const cases = [
    ['/v1/rooms/%00', 'invalid_path'],
    ['/healthz%00', 'invalid_path'],
    ['/%00/healthz', 'invalid_path'],
    ['/v1/rooms/%zz', 'invalid_path'],
    ['/healthz%4', 'invalid_path'],
    ['/v1/rooms?limit=%00', 'invalid_query'],
    ['/v1/rooms?x%00=1', 'invalid_query'],
    ['/healthz?a=%0', 'invalid_query'],
  ];
  for (const [path, code] of cases) {
    const r = await exchange(`GET ${path} HTTP/1.1\r\n${H}${basic()}\r\n` + HEALTH, { want: 2 });
    assertError(r.answers[0], 'HTTP/1.1 400 Bad Request', code);
    assert.equal(r.answers[0].headers.connection, undefined, path);
    assert.equal(r.answers[1].line, 'HTTP/1.1 200 OK', path);
    await healthy();
  }
});

test('%2F is not a path separator: it stays inside its segment', async () => {
  const room = await org.createRoom();
  const get = async (path) => (await exchange(`GET ${path} HTTP/1.1\r\n${H}${basic()}\r\n`, { want: 1 })).answers[0];
  const ok = await get(`/v1/rooms/${room.id}/participants`);
  assert.equal(ok.line, 'HTTP/1.1 200 OK');
  for (const path of [`/v1/rooms/${room.id}%2Fparticipants`, `/v1/rooms/${room.id}%2fparticipants`, `/v1/rooms/${room.id}%2F`]) {
    const a = await get(path);
    assert.equal(a.line, 'HTTP/1.1 400 Bad Request', `${path}: ${a.body}`);
    assert.equal(a.json.error.code, 'invalid_uuid');
    assert.equal(a.json.error.field, 'room_id');
  }
  const joined = await get(`/v1/rooms%2F${room.id}`);
  assertError(joined, 'HTTP/1.1 404 Not Found', 'not_found');
  assert.equal(joined.json.error.message, `no route for /v1/rooms%2F${room.id}`);
  // Other escapes are decoded before routing: %2D is the id's own hyphen.
  const dash = await get(`/v1/rooms/${room.id.replace('-', '%2D')}`);
  assert.equal(dash.line, 'HTTP/1.1 200 OK', dash.body);
  assert.equal(dash.json.id, room.id);
  await healthy();
});

test('HEAD where GET exists: the same status and headers, no body', async () => {
  const room = await org.createRoom();
  const cases = [
    ['/healthz', ''],
    ['/v1/openapi.json', ''],
    [`/v1/rooms/${room.id}`, basic()],
    [`/v1/rooms/${room.id}/participants?limit=5`, basic()],
    ['/v1/rooms/00000000-0000-4000-8000-000000000000', basic()], // 404
    ['/v1/rooms', ''], // 401
    ['/v1/nothing', basic()], // no route
  ];
  for (const [path, auth] of cases) {
    // HEAD and GET in one write: a body after the HEAD answer would break the GET's.
    const r = await exchange(`HEAD ${path} HTTP/1.1\r\n${H}${auth}\r\nGET ${path} HTTP/1.1\r\n${H}${auth}\r\n`,
      { want: 2, heads: new Set([0]) });
    const [head, get] = r.answers;
    assert.ok(head && get, `${path}: ${r.text.slice(0, 300)}`);
    assert.equal(head.line, get.line, path);
    assert.equal(head.body, '');
    assert.deepEqual(head.names, get.names, path);
    for (const k of head.names) if (k !== 'date') assert.equal(head.headers[k], get.headers[k], `${path}: ${k}`);
    assert.equal(Number(get.headers['content-length']), Buffer.byteLength(get.body, 'latin1'));
    assert.equal(r.rest, '', `${path}: bytes after the answers`);
  }
  // HEAD is refused where GET is, with the same Allow.
  const r = await exchange(`HEAD /v1/tokens HTTP/1.1\r\n${H}${basic()}\r\n`, { want: 1, heads: new Set([0]) });
  assert.equal(r.answers[0].line, 'HTTP/1.1 405 Method Not Allowed');
  assert.equal(r.answers[0].headers.allow, 'POST');
  assert.equal(r.answers[0].body, '');
  await healthy();
});

test('204 answers carry no Content-Length or Content-Type', async () => {
  const room = await org.createRoom();
  const cat = await org.ok('POST', '/v1/categories', { name: uniq('cat') });
  for (const path of [`/v1/rooms/${room.id}`, `/v1/categories/${cat.id}`]) {
    const r = await exchange(`DELETE ${path} HTTP/1.1\r\n${H}${basic()}\r\n` + `GET ${path} HTTP/1.1\r\n${H}${basic()}\r\n`, { want: 2 });
    const [del, get] = r.answers;
    assert.equal(del.line, 'HTTP/1.1 204 No Content', del.body);
    assert.equal(del.headers['content-length'], undefined);
    assert.equal(del.headers['content-type'], undefined);
    assert.equal(del.body, '');
    assertError(get, 'HTTP/1.1 404 Not Found', 'not_found');
    assert.equal(r.rest, '');
  }
  await healthy();
});

test('ids match in either case on every route, or are invalid_uuid the same way', async () => {
  const room = await org.createRoom();
  const key = await org.ok('POST', '/v1/keys', { name: 'case' });
  const UP = room.id.toUpperCase();
  const mixed = room.id.replace(/[a-f]/g, (c, i) => (i % 2 ? c.toUpperCase() : c));
  const get = async (path) => (await exchange(`GET ${path} HTTP/1.1\r\n${H}${basic()}\r\n`, { want: 1 })).answers[0];
  for (const tpl of ['/v1/rooms/ID', '/v1/rooms/ID/participants', '/v1/rooms/ID/sessions', '/v1/events?room_id=ID', '/v1/analytics/rooms/ID']) {
    const lower = await get(tpl.replace('ID', room.id));
    assert.equal(lower.line, 'HTTP/1.1 200 OK', `${tpl}: ${lower.body}`);
    for (const id of [UP, mixed]) {
      const a = await get(tpl.replace('ID', id));
      assert.equal(a.line, lower.line, tpl);
      if (tpl !== '/v1/analytics/rooms/ID') assert.deepEqual(a.json, lower.json, tpl); // analytics' until runs with the clock
      assert.ok(!a.body.includes(UP), `${tpl}: an id answered in upper case`);
    }
    const bad = await get(tpl.replace('ID', `${room.id}0`));
    assert.equal(bad.line, 'HTTP/1.1 400 Bad Request', tpl);
    assert.equal(bad.json.error.code, 'invalid_uuid', tpl);
    assert.equal(bad.json.error.field, 'room_id', tpl);
  }
  // In a body, and an api key id in lower case.
  const tok = await exchange(post('/v1/tokens', JSON.stringify({ identity: 'u', room_id: UP }), basic()), { want: 1 });
  assert.equal(tok.answers[0].line, 'HTTP/1.1 201 Created', tok.answers[0].body);
  assert.equal(tok.answers[0].json.room_id, room.id);
  const del = await exchange(`DELETE /v1/keys/${key.id.toLowerCase()} HTTP/1.1\r\n${H}${basic()}\r\n`, { want: 1 });
  assert.equal(del.answers[0].line, 'HTTP/1.1 204 No Content', del.answers[0].body);
  await healthy();
});

test('DELETE with a body is 400 and deletes nothing; with {} it deletes', async () => {
  const room = await org.createRoom();
  for (const [body, code] of [['x', 'invalid_json'], ['{"force":true}', 'unknown_field'], ['[]', 'invalid_json']]) {
    const r = await exchange(`DELETE /v1/rooms/${room.id} HTTP/1.1\r\n${H}${basic()}Content-Length: ${body.length}\r\n\r\n${body}`, { want: 1 });
    assert.equal(r.answers[0].line, 'HTTP/1.1 400 Bad Request', `${body}: ${r.answers[0].body}`);
    assert.equal(r.answers[0].json.error.code, code, body);
    assert.equal((await org.req('GET', `/v1/rooms/${room.id}`)).status, 200, `${body}: the room was deleted`);
  }
  const r = await exchange(`DELETE /v1/rooms/${room.id} HTTP/1.1\r\n${H}${basic()}Content-Length: 2\r\n\r\n{}`, { want: 1 });
  assert.equal(r.answers[0].line, 'HTTP/1.1 204 No Content');
  await healthy();
});

test('CORS with --cors-origin: preflight 204 with the allowed methods and headers; answers name the origin', async () => {
  const room = await org.createRoom();
  const pre = (origin) => `OPTIONS /v1/tokens HTTP/1.1\r\n${H}Origin: ${origin}\r\nAccess-Control-Request-Method: POST\r\n` +
    'Access-Control-Request-Headers: authorization, content-type\r\n\r\n';
  const r = await exchange(pre(ORIGIN) + HEALTH, { want: 2 });
  const p = r.answers[0];
  assert.equal(p.line, 'HTTP/1.1 204 No Content');
  assert.equal(p.headers['access-control-allow-origin'], ORIGIN);
  assert.equal(p.headers.vary, 'Origin');
  assert.ok(p.headers['access-control-allow-methods'].split(/,\s*/).includes('POST'), p.headers['access-control-allow-methods']);
  const allowed = p.headers['access-control-allow-headers'].toLowerCase().split(/,\s*/);
  for (const h of ['authorization', 'content-type']) assert.ok(allowed.includes(h), `${h} not allowed`);
  assert.equal(p.headers['content-length'], undefined);
  assert.equal(p.headers['content-type'], undefined);
  assert.equal(r.answers[1].line, 'HTTP/1.1 200 OK', 'the connection carries on after a preflight');
  // The second origin of the list is allowed too.
  assert.equal((await exchange(pre('https://other.example'), { want: 1 })).answers[0].headers['access-control-allow-origin'], 'https://other.example');
  // The request itself.
  const body = JSON.stringify({ identity: 'browser', room_id: room.id });
  const t = await exchange(post('/v1/tokens', body, `${basic()}Origin: ${ORIGIN}\r\n`), { want: 1 });
  assert.equal(t.answers[0].line, 'HTTP/1.1 201 Created');
  assert.equal(t.answers[0].headers['access-control-allow-origin'], ORIGIN);
  // So do its errors.
  const e = await exchange(post('/v1/tokens', body, `Origin: ${ORIGIN}\r\n`), { want: 1 });
  assertError(e.answers[0], 'HTTP/1.1 401 Unauthorized', 'unauthorized');
  assert.equal(e.answers[0].headers['access-control-allow-origin'], ORIGIN);
  // Another origin gets no CORS headers at all, preflight or not.
  const evil = await exchange(pre('https://evil.example'), { want: 1 });
  assert.equal(evil.answers[0].headers['access-control-allow-origin'], undefined);
  assert.notEqual(evil.answers[0].status, 204);
  const evilPost = await exchange(post('/v1/tokens', body, `${basic()}Origin: https://evil.example\r\n`), { want: 1 });
  assert.equal(evilPost.answers[0].line, 'HTTP/1.1 201 Created');
  assert.equal(evilPost.answers[0].headers['access-control-allow-origin'], undefined);
  await healthy();
});

test('slowloris: a header byte every 200 ms gets 408 after --header-timeout while others are served fast', async () => {
  const slow = await new Voxd(['--header-timeout', '1']).start();
  try {
    const trickle = (head, drip) => new Promise((resolve) => {
      const s = net.connect(slow.port, '127.0.0.1');
      let text = '';
      let t0;
      let iv;
      const stop = (ended) => { clearInterval(iv); clearTimeout(cap); s.destroy(); resolve({ text, ended, ms: performance.now() - t0 }); };
      const cap = setTimeout(() => stop(false), 5000);
      s.on('connect', () => {
        t0 = performance.now();
        s.write(head);
        iv = setInterval(() => { if (!s.destroyed && s.writable) s.write(drip); }, 200);
      });
      s.on('data', (d) => { text += d.toString('latin1'); });
      s.on('end', () => stop(true));
      s.on('error', () => stop(false));
    });
    const inHeaders = trickle(`GET /healthz HTTP/1.1\r\n${H}X-Slow: `, 'a');
    const inBody = trickle(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length: 1000\r\n\r\n{`, ' ');
    // Meanwhile, fresh connections are answered within 100 ms, again and again (bounded).
    let served = 0;
    const done = Promise.all([inHeaders, inBody]);
    let finished = false;
    done.then(() => { finished = true; });
    for (let i = 0; i < 25 && !finished; i++) {
      await healthy(slow.port);
      served++;
      await sleep(100);
    }
    for (const r of await done) {
      assert.ok(r.ended, `the slow connection was not closed: ${r.text}`);
      const { answers } = parseAnswers(r.text);
      assert.equal(answers.length, 1, r.text);
      assertError(answers[0], 'HTTP/1.1 408 Request Timeout', 'request_timeout');
      assert.equal(answers[0].headers.connection, 'close');
      // One-second sweeps: at least the timeout, at most a sweep and some slack after it.
      assert.ok(r.ms >= 950 && r.ms < 3000, `408 after ${r.ms.toFixed(0)} ms`);
    }
    assert.ok(served >= 5, `only ${served} health checks ran beside the slow connections`);
    await healthy(slow.port);
  } finally {
    await slow.destroy();
  }
});

test('a client that sends and never reads costs bounded memory and is dropped after --idle-timeout', async () => {
  const own = await new Voxd(['--idle-timeout', '1']).start();
  try {
    const rss = () => Number(readFileSync(`/proc/${own.proc.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) * 1024;
    await exchange('GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n', { port: own.port, want: 1 }); // warm
    const before = rss();
    const sock = net.connect(own.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.pause();
    const t0 = performance.now();
    // 400 answers of ~117 KB each would be 47 MB if voxd made them all at once.
    sock.write('GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(400));
    // The client reads nothing, so it learns of the drop (a reset: a FIN would wait behind
    // megabytes of answers) from its next write.
    let reset = null;
    sock.on('error', (e) => { reset ??= { code: e.code, ms: performance.now() - t0 }; });
    for (let i = 0; i < 5; i++) { await healthy(own.port); await sleep(100); }
    // (Not under ASan, whose quarantine keeps freed answers resident.)
    const asan = readFileSync(`/proc/${own.proc.pid}/maps`, 'utf8').includes('libasan');
    const grew = rss() - before;
    assert.ok(asan || grew < 24 << 20, `voxd grew ${(grew / 1048576).toFixed(1)} MiB for one client that does not read`);
    for (let i = 0; i < 24 && !reset; i++) { sock.write('x'); await sleep(250); }
    assert.ok(reset, 'the connection that never reads was kept');
    assert.equal(reset.code, 'ECONNRESET');
    assert.ok(reset.ms >= 900, `dropped after ${reset.ms.toFixed(0)} ms, before --idle-timeout`);
    sock.destroy();
    await healthy(own.port);
  } finally {
    await own.destroy();
  }
});

test('obsolete line folding and whitespace before the colon are 400 and close', async () => {
  await refused(`GET /healthz HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request');
  await refused(`GET /healthz HTTP/1.1\r\n${H}X-A: a\r\n\tb\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request');
  await refused(`GET /healthz HTTP/1.1\r\n${H}X-A : a\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request');
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Content-Length : 2\r\n\r\n{}`, 'HTTP/1.1 400 Bad Request', 'bad_request');
  await refused(`POST /v1/rooms HTTP/1.1\r\n${H}Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n`, 'HTTP/1.1 400 Bad Request', 'bad_request');
});
