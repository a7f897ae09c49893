// SPDX-License-Identifier: MIT
// docs/API.md covers the API: every operation in the server's own OpenAPI document has a
// `### METHOD /path` heading, and every such heading names a real operation. Regenerate the
// doc with `node tools/gen-api-docs.mjs` when this fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Voxd } from './lib.mjs';

const DOC = new URL('../../docs/API.md', import.meta.url);
const HEADING = /^#{2,4} (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+)\s*$/gm;

let vox;
before(async () => { vox = await new Voxd().start(); });
after(async () => { await vox.destroy(); });

async function operations() {
  const r = await vox.req('GET', '/v1/openapi.json');
  assert.equal(r.status, 200, r.text);
  const ops = [];
  for (const [path, item] of Object.entries(r.body.paths))
    for (const method of Object.keys(item)) ops.push(`${method.toUpperCase()} ${path}`);
  assert.ok(ops.length > 0, 'openapi.json lists no operations');
  return ops;
}

function headings() {
  const text = readFileSync(DOC, 'utf8');
  return [...text.matchAll(HEADING)].map((m) => `${m[1]} ${m[2]}`);
}

test('every operation in /v1/openapi.json has a heading in docs/API.md', async () => {
  const documented = new Set(headings());
  const missing = (await operations()).filter((op) => !documented.has(op));
  assert.deepEqual(missing, [], `undocumented operations (run node tools/gen-api-docs.mjs):\n${missing.join('\n')}`);
});

test('every endpoint heading in docs/API.md is a real operation, documented once', async () => {
  const ops = new Set(await operations());
  const list = headings();
  const stale = list.filter((h) => !ops.has(h));
  assert.deepEqual(stale, [], `docs/API.md documents operations the server does not have:\n${stale.join('\n')}`);
  const twice = list.filter((h, i) => list.indexOf(h) !== i);
  assert.deepEqual(twice, [], `documented more than once: ${twice.join(', ')}`);
});
