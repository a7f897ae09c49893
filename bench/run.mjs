// SPDX-License-Identifier: MIT
// make bench: starts a release voxd on a free loopback port with a fresh data dir, seeds an
// org, rooms and participants, then runs wrk (on the same machine) against: get room, list
// participants, join+leave. Each case runs REPEATS times; medians are printed.
import { spawn, spawnSync } from 'node:child_process';
import { Voxd, ADMIN_TOKEN } from '../tests/integration/lib.mjs';

const DURATION = process.env.BENCH_SECONDS || '5';
const REPEATS = Number(process.env.BENCH_REPEATS || 3);
const CONNS = process.env.BENCH_CONNECTIONS || '32';
const lua = new URL('./joinleave.lua', import.meta.url).pathname;
// BENCH_MEDIA_LISTENERS=N runs every case a second time while vox-bench (build/vox-bench)
// has one speaker sending to N listeners through the same voxd: the REST figures with media
// flowing, beside the quiet ones of the same run.
const MEDIA_LISTENERS = Number(process.env.BENCH_MEDIA_LISTENERS || 0);
const VOX_BENCH = new URL('../build/vox-bench', import.meta.url).pathname;

function wrk(args) {
  const r = spawnSync('wrk', ['-t1', `-c${CONNS}`, `-d${DURATION}s`, '--latency', ...args],
    { encoding: 'utf8', timeout: 120000 });
  const out = r.stdout || '';
  const rps = Number((out.match(/Requests\/sec:\s+([\d.]+)/) || [])[1]);
  const p = (q) => {
    const m = out.match(new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`));
    if (!m) return NaN;
    return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
  };
  const non2xx = Number((out.match(/Non-2xx or 3xx responses: (\d+)/) || [0, 0])[1]);
  const errs = (out.match(/Socket errors:.*/) || [''])[0];
  return { rps, p50: p(50), p99: p(99), non2xx, errs, raw: out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const vox = await new Voxd(['--log-level', 'warn']).start();
  try {
    const org = await vox.newOrg('bench');
    const room = await org.createRoom({ name: 'bench-room', type: 'stage' });
    const listRoom = await org.createRoom({ name: 'bench-list', type: 'video' });
    for (let i = 0; i < 20; i++)
      await org.ok('POST', `/v1/rooms/${listRoom.id}/participants`, { identity: `user-${i}`, name: `User ${i}` });
    const H = ['-H', `Authorization: ${org.auth}`];
    const cases = [
      ['get room', () => wrk([...H, `${vox.url}/v1/rooms/${room.id}`]), 1],
      ['list participants (20)', () => wrk([...H, `${vox.url}/v1/rooms/${listRoom.id}/participants`]), 1],
      ['join+leave pairs', () => wrk(['-s', lua, vox.url, '--', room.id, org.auth]), 2],
    ];
    console.log(`voxd ${vox.url}, wrk -t1 -c${CONNS} -d${DURATION}s, ${REPEATS} runs each, medians`);
    runCases(cases, 'quiet');
    if (MEDIA_LISTENERS > 0) {
      // Long enough for the joins and every case.
      const secs = Math.min(60, 15 + cases.length * REPEATS * (Number(DURATION) + 1));
      const media = spawn(VOX_BENCH, ['--url', vox.url, '--admin-token', ADMIN_TOKEN, '--quiet',
        '--scenario', 'speaker-listeners', '-n', String(MEDIA_LISTENERS), '--seconds', String(secs),
        '--voxd-pid', String(vox.proc.pid)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let report = '';
      media.stdout.on('data', (d) => { report += d; });
      const ended = new Promise((resolve) => media.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 12000)); // joins done, media flowing
      runCases(cases, `with 1 speaker -> ${MEDIA_LISTENERS} listeners of audio flowing`);
      // Its report (the media carried while the cases ran) comes at the end of its window.
      const stop = setTimeout(() => media.kill('SIGTERM'), 90000);
      await ended;
      clearTimeout(stop);
      const line = (k) => (report.split('\n').find((l) => l.trim().startsWith(k)) || '').trim();
      console.log(`  media while measured: ${line('received')} | ${line('loss')}`);
    }
  } finally {
    await vox.destroy();
  }
}

function runCases(cases, label) {
  console.log(`-- ${label}`);
  console.log('case                      req/s     ops/s    p50 ms   p99 ms  non-2xx');
  for (const [name, run, per] of cases) {
    const runs = [];
    for (let i = 0; i < REPEATS; i++) runs.push(run());
    const bad = runs.reduce((a, r) => a + r.non2xx, 0);
    if (runs.some((r) => !r.rps)) console.log(runs.map((r) => r.raw).join('\n'));
    const rps = median(runs.map((r) => r.rps));
    console.log(`${name.padEnd(24)} ${rps.toFixed(0).padStart(7)} ${(rps / per).toFixed(0).padStart(9)} ` +
      `${median(runs.map((r) => r.p50)).toFixed(2).padStart(8)} ${median(runs.map((r) => r.p99)).toFixed(2).padStart(8)} ${String(bad).padStart(8)}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
