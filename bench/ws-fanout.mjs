// SPDX-License-Identifier: MIT
// WebSocket fan-out benchmark: 1,000 participants joined to one stage room over /v1/rtc; one
// of them toggles its raised hand 20 times and we time how long each participant_updated
// takes to reach every other socket, plus voxd's resident memory per connection.
// Run by bench/run.sh (make bench) against build/voxd, or: VOXD=... node bench/ws-fanout.mjs
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { Voxd } from '../tests/integration/lib.mjs';
import { mintLocal, rtcUrl } from '../tests/ws/client.mjs';

const N = Number(process.env.FANOUT_CONNECTIONS || 1000);
const ROUNDS = Number(process.env.FANOUT_ROUNDS || 20);
const CONNECT_BUDGET_MS = 120000;
const ROUND_BUDGET_MS = 10000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// One participant socket. Incoming frames are stamped on arrival and parsed only when needed,
// so the stamp is as close to delivery as one Node thread allows.
function connect(vox, token, i) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(rtcUrl(vox, token), { perMessageDeflate: false, handshakeTimeout: 20000 });
    const s = { ws, i, frames: 0, waiter: null };
    ws.on('message', (data) => {
      const at = performance.now();
      if (s.waiter) s.waiter(at, data);
      else s.frames++;
    });
    ws.once('open', () => resolve(s));
    ws.once('error', (e) => reject(new Error(`socket ${i}: ${e.message}`)));
    ws.once('close', (code) => { s.closed = code; });
  });
}

// Sends join and waits for its answer (joined, or an error).
function join(s) {
  return new Promise((resolve, reject) => {
    const id = `j${s.i}`;
    const t = setTimeout(() => reject(new Error(`socket ${s.i}: no answer to join`)), 30000);
    s.waiter = (at, data) => {
      const m = JSON.parse(data.toString());
      if (m.id !== id) return;
      clearTimeout(t);
      s.waiter = null;
      if (m.type !== 'joined') reject(new Error(`socket ${s.i}: join -> ${data.toString().slice(0, 300)}`));
      else { s.pid = m.participant.id; resolve(); }
    };
    s.ws.send(JSON.stringify({ type: 'join', id }));
  });
}

async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function main() {
  const vox = await new Voxd().start();
  const pid = vox.proc.pid;
  const socks = [];
  try {
    const org = await vox.newOrg('bench-fanout');
    const room = await org.createRoom({ type: 'stage', max_participants: N });
    await sleep(300);
    const rssBefore = rssKiB(pid);

    const t0 = performance.now();
    const ids = [...Array(N).keys()];
    // The hand raisers are moderators: since issue 7 an audience member's own changes go to
    // the people running the stage, not to the whole audience, so a moderator's change is
    // the one that reaches all 1,000 sockets.
    const senders = new Set(Array.from({ length: ROUNDS }, (_, r) => (r * 37) % N));
    const tokens = ids.map((i) => mintLocal(org, { sub: `p${i}`, room: room.id,
      ...(senders.has(i) ? { grants: { role: 'moderator' } } : {}) }));
    await inBatches(ids, 100, async (i) => { socks[i] = await connect(vox, tokens[i], i); });
    const tConnected = performance.now();
    for (const s of socks) {
      await join(s);
      if (performance.now() - t0 > CONNECT_BUDGET_MS) throw new Error(`joining ${N} took over ${CONNECT_BUDGET_MS} ms`);
    }
    const tJoined = performance.now();
    // Let the join fan-out drain before measuring anything.
    let quiet = 0;
    for (let k = 0; k < 200 && quiet < 3; k++) {
      const before = socks.reduce((a, s) => a + s.frames, 0);
      await sleep(200);
      const now = socks.reduce((a, s) => a + s.frames, 0);
      quiet = now === before ? quiet + 1 : 0;
    }
    
    const rssJoined = rssKiB(pid);

    const maxes = [];
    const all = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sender = socks[(r * 37) % N];
      const raised = !sender.hand;
      sender.hand = raised;
      const target = sender.pid;
      const pending = new Set(socks.filter((s) => s !== sender));
      const lat = [];
      let sent = 0;
      const done = new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`round ${r}: ${pending.size} of ${N - 1} sockets got no participant_updated within ${ROUND_BUDGET_MS} ms`)), ROUND_BUDGET_MS);
        for (const s of socks) {
          s.waiter = (at, data) => {
            const m = JSON.parse(data.toString());
            if (m.type !== 'participant_updated' || m.participant?.id !== target ||
                m.participant.media?.hand_raised !== raised) return;
            if (s === sender) return;
            if (!pending.delete(s)) return;
            lat.push(at - sent);
            if (pending.size === 0) { clearTimeout(t); resolve(); }
          };
        }
      });
      sent = performance.now();
      sender.ws.send(JSON.stringify({ type: 'update_state', id: `r${r}`, hand_raised: raised }));
      await done;
      for (const s of socks) s.waiter = null;
      lat.sort((a, b) => a - b);
      maxes.push(lat[lat.length - 1]);
      all.push(...lat);
      await sleep(100);
    }
    maxes.sort((a, b) => a - b);
    all.sort((a, b) => a - b);
    const perConn = ((rssJoined - rssBefore) * 1024) / N;
    const f = (x) => x.toFixed(1);
    console.log(`ws-fanout: ${N} sockets in one stage room: connected in ${f(tConnected - t0)} ms, joined in ${f(tJoined - tConnected)} ms`);
    console.log(`ws-fanout: ${ROUNDS} hand toggles, time from send until the last of ${N - 1} other sockets got participant_updated (max over recipients per round; p99 of 20 rounds is their max): p50 ${f(pct(maxes, 50))} ms, p99 ${f(pct(maxes, 99))} ms, max ${f(maxes[maxes.length - 1])} ms`);
    console.log(`ws-fanout: all ${all.length} deliveries (per recipient): p50 ${f(pct(all, 50))} ms, p99 ${f(pct(all, 99))} ms`);
    console.log(`ws-fanout: voxd RSS ${rssBefore} KiB before connecting, ${rssJoined} KiB with ${N} joined: ${(perConn / 1024).toFixed(1)} KiB per connection`);
    console.log(`ws-fanout: targets p99 fan-out < 50 ms: ${pct(maxes, 99) < 50 ? 'met' : 'MISSED'}; RSS per connection < 32 KiB: ${perConn < 32 * 1024 ? 'met' : 'MISSED'}`);
  } finally {
    for (const s of socks) if (s) s.ws.terminate();
    await sleep(500);
    await vox.destroy();
  }
}

main().catch((e) => { console.error(`ws-fanout: FAILED: ${e.stack || e}`); process.exit(1); });
