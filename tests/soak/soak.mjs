// SPDX-License-Identifier: MIT
// Soak (make soak): SOAK_SECONDS (600) of the chaos test's malformed traffic against one voxd
// while SOAK_CLIENTS (1,000) WebSocket participants churn through SOAK_ROOMS (10) stage rooms:
// each connects, joins, changes its state now and then, and after a random lifetime leaves
// (a clean close, a leave message or a dropped TCP connection) and is replaced. /healthz is
// probed every second; a probe without an answer in 2 s is a wedge. voxd's RSS is sampled
// every 10 s; growth is measured from the end of the warm-up (SOAK_WARMUP, 240 s: two whole
// generations of clients have come and gone by then) to the end.
// A wedge is a probe not answered within 10 s (the defect this hunts: a voxd that never
// answers again); probes slower than 1 s are counted and reported too, with the slowest.
// voxd's store cache (SQLite's page caches, bounded by configuration at 2 x 16 MB) fills as
// the database grows, so growth is also reported without it (/metrics
// vox_store_memory_bytes), and that figure is the one held to under 5 %.
// Fails on any wedge, a crash, a sanitizer report, or that growth of 5 % or more. Bounded:
// every loop ends at the deadline, every wait has a timeout.
import WebSocket from 'ws';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Voxd } from '../integration/lib.mjs';
import { mintLocal, rtcUrl } from '../ws/client.mjs';
import { chaosTraffic, probe, seeded } from '../chaos/traffic.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const WARMUP = Number(process.env.SOAK_WARMUP || 240);
const CLIENTS = Number(process.env.SOAK_CLIENTS || 1000);
const ROOMS = Number(process.env.SOAK_ROOMS || 10);
const SEED = Number(process.env.SOAK_SEED || Date.now() % 2147483647);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const random = seeded(SEED);

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

function pin(pid, cpu) {
  try { execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }); return true; } catch { return false; }
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const stats = { reasons: new Set(), joinErrors: 0, connects: 0, joined: 0, refused: 0, closes: 0, chaos: 0, probes: 0, wedges: 0, slow: 0, slowest: 0, lat: [] };

// One participant's life: connect, join, a few state changes, then leave one of three ways.
function life(vox, token, until) {
  return new Promise((resolve) => {
    const ws = new WebSocket(rtcUrl(vox, token), { perMessageDeflate: false, handshakeTimeout: 10000 });
    stats.connects++;
    const lifetime = 20000 + random() * 40000;
    let timers = [];
    const done = () => { timers.forEach(clearTimeout); timers = []; resolve(); };
    ws.on('error', () => {});
    ws.on('close', () => { stats.closes++; done(); });
    ws.on('unexpected-response', (req, res) => {
      stats.refused++;
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const why = `${res.statusCode} ${text.slice(0, 200)}`;
        if (!stats.reasons.has(why)) { stats.reasons.add(why); console.log(`soak: upgrade refused: ${why}`); }
      });
      ws.terminate();
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.id !== 'j') return;
      if (m.type === 'joined') stats.joined++;
      else {
        stats.joinErrors++;
        const why = JSON.stringify(m).slice(0, 200);
        if (!stats.reasons.has(why)) { stats.reasons.add(why); console.log(`soak: join answered ${why}`); }
      }
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'join', id: 'j' }));
      for (let k = 1; k <= 3; k++) {
        timers.push(setTimeout(() => ws.readyState === 1 &&
          ws.send(JSON.stringify({ type: 'update_state', id: `u${k}`, hand_raised: k % 2 === 1 })), (lifetime * k) / 4));
      }
      timers.push(setTimeout(() => {
        const how = random();
        if (how < 0.4) ws.close(1000);
        else if (how < 0.7) { ws.send(JSON.stringify({ type: 'leave', id: 'l' })); setTimeout(() => ws.terminate(), 1000); }
        else ws.terminate();
      }, Math.min(lifetime, Math.max(0, until - Date.now()))));
    });
    timers.push(setTimeout(() => { ws.terminate(); }, lifetime + 15000)); // bounded whatever happens
  });
}

async function main() {
  const vox = await new Voxd().start();
  const pid = vox.proc.pid;
  const pinned = pin(pid, 0) && pin(process.pid, 1);
  const t0 = Date.now();
  const end = t0 + SECONDS * 1000;
  const samples = [];
  let failure = null;
  try {
    const org = await vox.newOrg('soak');
    const rooms = [];
    for (let r = 0; r < ROOMS; r++) rooms.push(await org.createRoom({ type: 'stage', max_participants: 1000 }));
    // The chaos traffic has a room of its own: it carries the api key, so it may delete its room.
    const chaosRoom = await org.createRoom({ type: 'video' });
    const token = (await org.ok('POST', '/v1/tokens', { identity: 'chaos', room_id: chaosRoom.id })).token;
    const traffic = chaosTraffic(random, { port: vox.port, auth: org.auth, token, roomId: chaosRoom.id });

    // Churning participants: slot i always holds one life, replaced when it ends. A dropped
    // connection holds its place through the reconnect grace, hence the rooms' headroom.
    const slots = Array.from({ length: CLIENTS }, async (_, i) => {
      await sleep((i * 30000) / CLIENTS); // ramp up over 30 s
      for (let gen = 0; Date.now() < end; gen++) {
        const room = rooms[i % ROOMS];
        const before = stats.refused;
        await life(vox, mintLocal(org, { sub: `p${i}-${gen}`, room: room.id }), end);
        if (stats.refused !== before) await sleep(1000 + random() * 1000); // a refusal is not a reason to spin
      }
    });
    const chaos = (async () => {
      while (Date.now() < end) {
        await Promise.all(Array.from({ length: 4 }, traffic.session));
        stats.chaos += 4;
      }
    })();
    const watch = (async () => {
      let next = Date.now();
      while (Date.now() < end) {
        next += 1000;
        const h = await probe(vox.url, 10000);
        stats.probes++;
        stats.lat.push(h.ms);
        stats.slowest = Math.max(stats.slowest, h.ms);
        if (h.ms > 1000) stats.slow++;
        if (h.status !== 200) {
          stats.wedges++;
          console.log(`soak: /healthz at ${((Date.now() - t0) / 1000).toFixed(0)} s: ${h.status}`);
        }
        if (stats.probes % 10 === 0) {
          const m = await fetch(`${vox.url}/metrics`).then((r) => r.text()).catch(() => '');
          const store = Number((/^vox_store_memory_bytes (\d+)/m.exec(m) || [])[1] || 0) / 1024;
          samples.push({ t: (Date.now() - t0) / 1000, rss: rssKiB(pid), store });
          const s = samples[samples.length - 1];
          console.log(`soak: ${s.t.toFixed(0)} s rss ${s.rss} KiB connects ${stats.connects} joined ${stats.joined} chaos ${stats.chaos} wedges ${stats.wedges}`);
        }
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
    await Promise.all([watch, chaos, ...slots]);
  } catch (e) {
    failure = e;
  }
  await sleep(1000);
  let exit = 'clean exit, no sanitizer report';
  try { await vox.destroy(); } catch (e) { exit = e.message.slice(0, 2000); failure ||= e; }

  const warmS = samples.filter((s) => s.t >= WARMUP).slice(0, 3);
  const lastS = samples.slice(-3);
  const warm = warmS.map((s) => s.rss), last = lastS.map((s) => s.rss);
  const warmNet = warmS.map((s) => s.rss - s.store), lastNet = lastS.map((s) => s.rss - s.store);
  const pct = (a, b) => (a.length && b.length ? ((median(b) - median(a)) / median(a)) * 100 : NaN);
  const growthAll = pct(warm, last);
  const growth = pct(warmNet, lastNet);
  console.log(`soak: ${SECONDS} s (seed ${SEED}, voxd and load ${pinned ? 'pinned to cores 0 and 1' : 'not pinned'}): ` +
    `${stats.chaos} chaos sessions, ${stats.connects} WebSocket connects (${stats.joined} joined, ${stats.joinErrors} join errors, ${stats.refused} refused), ` +
    `${stats.probes} probes (median ${median(stats.lat).toFixed(0)} ms, ${stats.slow} over 1 s, slowest ${stats.slowest.toFixed(0)} ms), ${stats.wedges} wedges; voxd: ${exit}`);
  console.log(`soak: RSS ${median(warm)} KiB after the ${WARMUP} s warm-up, ${median(last)} KiB at the end: ${growthAll.toFixed(1)} %; ` +
    `store cache ${Math.round(median(warmS.map((s) => s.store)))} -> ${Math.round(median(lastS.map((s) => s.store)))} KiB; ` +
    `RSS without it ${Math.round(median(warmNet))} -> ${Math.round(median(lastNet))} KiB: ${growth.toFixed(1)} %`);
  const ok = !failure && stats.wedges === 0 && growth < 5 && stats.joined > 0;
  console.log(`soak: ${ok ? 'PASS' : 'FAIL'}${failure ? `: ${failure.message}` : ''}`);
  process.exit(ok ? 0 : 1);
}

main();
