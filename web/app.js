// vox demo app: pre-join, call UI, waiting room, host and stage controls. No build step.
import { VoxRoom } from '/sdk/vox.js';

const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// ---- icons (24x24 stroke icons) -------------------------------------------------------------
const svg = (d, extra = '') => `<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" ${extra}>${d}</svg>`;
const ICON = {
  mic: svg('<rect x="9" y="2" width="6" height="12" rx="3"/><path d="M5 10a7 7 0 0 0 14 0M12 17v4M8 21h8"/>'),
  micOff: svg('<path d="M2 2l20 20M9 9v1a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.6M17 16.9A7 7 0 0 1 5 10M19 10a7 7 0 0 1-.2 1.7M12 17v4M8 21h8"/>'),
  cam: svg('<rect x="2" y="6" width="14" height="12" rx="2"/><path d="M16 10l6-3v10l-6-3z"/>'),
  camOff: svg('<path d="M2 2l20 20M16 16H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h2M10 6h4a2 2 0 0 1 2 2v3l6-4v10"/>'),
  screen: svg('<rect x="2" y="3" width="20" height="14" rx="2"/><path d="M8 21h8M12 17v4M9 10l3-3 3 3M12 7v6"/>'),
  hand: svg('<path d="M18 11V6a2 2 0 0 0-4 0v5M14 10V4a2 2 0 0 0-4 0v6M10 10.5V6a2 2 0 0 0-4 0v8a8 8 0 0 0 8 8h2a8 8 0 0 0 6-3l1.5-2.5a2 2 0 0 0-3.4-2.1L18 15"/>'),
  speak: svg('<path d="M12 2a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3z"/><path d="M19 11a7 7 0 0 1-14 0M12 18v3"/><path d="M20 3l2-1M21 7h2"/>'),
  headphones: svg('<path d="M3 18v-6a9 9 0 0 1 18 0v6"/><path d="M21 19a2 2 0 0 1-2 2h-1v-6h3zM3 19a2 2 0 0 0 2 2h1v-6H3z"/>'),
  headphonesOff: svg('<path d="M2 2l20 20M3 18v-6a9 9 0 0 1 2.6-6.4M8.3 3.8A9 9 0 0 1 21 12v5"/><path d="M3 19a2 2 0 0 0 2 2h1v-6H3z"/>'),
  leave: svg('<path d="M10.7 13.3a16 16 0 0 0 3.4 2.6l1.3-1.3a2 2 0 0 1 2.1-.5 11 11 0 0 0 3.5.6 2 2 0 0 1 2 2v3.3a2 2 0 0 1-2.2 2A19.8 19.8 0 0 1 2 3.2 2 2 0 0 1 4 1h3.3a2 2 0 0 1 2 2 11 11 0 0 0 .6 3.5 2 2 0 0 1-.5 2.1L8 10" transform="rotate(135 12 12)"/>'),
  people: svg('<circle cx="9" cy="8" r="4"/><path d="M2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 4a4 4 0 0 1 0 8M22 21v-1a6 6 0 0 0-4-5.6"/>'),
  shield: svg('<path d="M12 2l8 4v6c0 5-3.5 8.5-8 10-4.5-1.5-8-5-8-10V6z"/>'),
  echo: svg('<path d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3"/><path d="M18 3v4h-4M6 21v-4h4"/>'),
};

const ROLE_LABEL = { host: 'Host', co_host: 'Co-host', moderator: 'Moderator', participant: 'Participant', viewer: 'Viewer', speaker: 'Speaker', audience: 'Audience' };
const ROLE_RANK = { host: 6, co_host: 5, moderator: 4, speaker: 3, participant: 3, audience: 1, viewer: 1 };
const PRESENT = new Set(['connected', 'reconnecting', 'joining']);

function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}
function colorFor(s) {
  let h = 0;
  for (const c of String(s)) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 55% 45%)`;
}
function slug(s) { return String(s || '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'guest'; }

// ---- toasts -----------------------------------------------------------------------------------
function toast(text, kind = 'info', ms = 4000) {
  const el = document.createElement('div');
  el.className = 'toast ' + kind;
  el.setAttribute('data-testid', 'toast');
  el.textContent = text;
  $('#toasts').appendChild(el);
  setTimeout(() => el.remove(), ms);
  while ($('#toasts').children.length > 4) $('#toasts').firstChild.remove();
}
function toastError(e, prefix) {
  const msg = e && e.message ? e.message : String(e);
  toast((prefix ? prefix + ': ' : '') + msg, 'error', 6000);
  console.warn(prefix || 'error', e);
}

function show(screen) {
  for (const id of ['prejoin', 'waiting', 'ended', 'call']) $('#' + id).hidden = id !== screen;
}

// ---- pre-join ---------------------------------------------------------------------------------
const params = new URLSearchParams(location.search);
const pre = { mic: true, cam: true, stream: null, level: null };

function initPrejoin() {
  $('#room-input').value = params.get('room') || localStorage.getItem('vox.room') || '';
  $('#name-input').value = params.get('name') || localStorage.getItem('vox.name') || '';
  if (params.get('identity')) $('#identity-input').value = params.get('identity');
  if (params.get('role')) $('#role-select').value = params.get('role');
  if (params.get('type')) {
    const t = params.get('type');
    const opt = [...$('#type-select').options].find((o) => o.value === t || o.value.startsWith(t + ':'));
    if (opt) $('#type-select').value = opt.value;
  }
  if (params.get('waiting_room') === '1') $('#waiting-input').checked = true;
  if (params.get('token')) $('#token-input').value = params.get('token');
  if (params.get('mic') === '0') pre.mic = false;
  if (params.get('cam') === '0' || $('#type-select').value.startsWith('voice') || $('#type-select').value.startsWith('stage')) pre.cam = false;
  $('#type-select').addEventListener('change', () => {
    const v = $('#type-select').value;
    pre.cam = !(v.startsWith('voice') || v.startsWith('stage'));
    refreshPreview();
  });
  $('#name-input').addEventListener('input', () => { $('#preview-avatar').textContent = initials($('#name-input').value); });
  $('#preview-avatar').textContent = initials($('#name-input').value);
  $('#preview-mic').addEventListener('click', () => { pre.mic = !pre.mic; refreshPreview(); });
  $('#preview-cam').addEventListener('click', () => { pre.cam = !pre.cam; refreshPreview(); });
  $('#join-form').addEventListener('submit', (e) => { e.preventDefault(); joinDev(); });
  $('#token-join-button').addEventListener('click', () => joinWithToken());
  $('#waiting-leave').addEventListener('click', () => app.room && app.room.leave());
  $('#rejoin-button').addEventListener('click', () => rejoin());
  $('#home-button').addEventListener('click', () => { show('prejoin'); refreshPreview(); });
  refreshPreview();
  if (params.get('autojoin') === '1') setTimeout(() => (params.get('token') ? joinWithToken() : joinDev()), 0);
}

async function refreshPreview() {
  $('#preview-mic').innerHTML = pre.mic ? ICON.mic : ICON.micOff;
  $('#preview-mic').classList.toggle('off', !pre.mic);
  $('#preview-cam').innerHTML = pre.cam ? ICON.cam : ICON.camOff;
  $('#preview-cam').classList.toggle('off', !pre.cam);
  stopPreview();
  if (!pre.mic && !pre.cam) { $('#preview-off').hidden = false; return; }
  try {
    const s = await navigator.mediaDevices.getUserMedia({ audio: pre.mic, video: pre.cam });
    if ($('#prejoin').hidden) { s.getTracks().forEach((t) => t.stop()); return; }
    stopPreview();
    pre.stream = s;
    $('#preview-video').srcObject = s;
    $('#preview-off').hidden = pre.cam;
    if (pre.mic) startLevel(s);
  } catch (e) {
    $('#preview-off').hidden = false;
    $('#join-error').textContent = 'Camera/microphone unavailable: ' + (e.message || e.name);
  }
}
function startLevel(stream) {
  try {
    const ctx = new AudioContext();
    const an = ctx.createAnalyser();
    an.fftSize = 256;
    ctx.createMediaStreamSource(stream).connect(an);
    const buf = new Float32Array(an.fftSize);
    const t = setInterval(() => {
      an.getFloatTimeDomainData(buf);
      let sum = 0; for (const v of buf) sum += v * v;
      $('#preview-level').style.height = Math.min(100, Math.sqrt(sum / buf.length) * 400) + '%';
    }, 80);
    pre.level = { ctx, t };
  } catch {}
}
function stopPreview() {
  if (pre.stream) pre.stream.getTracks().forEach((t) => t.stop());
  pre.stream = null;
  $('#preview-video').srcObject = null;
  if (pre.level) { clearInterval(pre.level.t); pre.level.ctx.close().catch(() => {}); pre.level = null; }
  $('#preview-level').style.height = '0';
}

function identityFor(name) {
  // The identity is the name's slug unless given: the same name in the same room resumes the
  // same participant (a reload rejoins), and tests can find "participant-<name>".
  const explicit = $('#identity-input').value.trim();
  return explicit || slug(name);
}

async function joinDev() {
  const room = $('#room-input').value.trim();
  const name = $('#name-input').value.trim();
  $('#join-error').textContent = '';
  if (!room || !name) { $('#join-error').textContent = 'Enter a room and your name.'; return; }
  localStorage.setItem('vox.room', room);
  localStorage.setItem('vox.name', name);
  const [type, media_mode] = $('#type-select').value.split(':');
  const body = { room, identity: identityFor(name), name, role: $('#role-select').value, type, media_mode, waiting_room: $('#waiting-input').checked };
  setJoining(true);
  try {
    const res = await fetch('/dev/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status === 404) throw new Error('This server is not in dev mode (voxd --dev). Paste an access token instead.');
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || `token request failed (${res.status})`);
    await startCall({ token: data.token, url: data.url, name, roomName: room, devBody: body });
  } catch (e) {
    $('#join-error').textContent = e.message || String(e);
    setJoining(false);
  }
}

async function joinWithToken() {
  const token = $('#token-input').value.trim();
  $('#join-error').textContent = '';
  if (!token) { $('#join-error').textContent = 'Paste an access token first.'; return; }
  setJoining(true);
  try {
    await startCall({ token, name: $('#name-input').value.trim() || undefined, roomName: $('#room-input').value.trim() });
  } catch (e) {
    $('#join-error').textContent = e.message || String(e);
    setJoining(false);
  }
}

function setJoining(on) {
  $('#join-button').disabled = on;
  $('#token-join-button').disabled = on;
  $('#join-button').textContent = on ? 'Joining…' : 'Join (dev)';
}

// ---- call ----------------------------------------------------------------------------------------
const app = {
  room: null, last: null, tiles: new Map(), audios: new Map(), timer: null, joinedAt: 0, renderQueued: false, ending: null, sidebarOpen: true,
  // sfu rooms: voxd's active speakers ({participant_id, track_id, level}, loudest first)
  speakers: [],
  // remote MediaStreamTrack id -> participant id (from trackAdded), to read getStats per participant
  trackOwner: new Map(),
  // participant id (or 'local', 'echo') -> connection quality record (see the quality section)
  quality: new Map(),
  qualityTimer: null,
  // the pre-call echo test: off | starting | on | stopping, and the last error text
  echo: { state: 'off', error: '' },
  layout: '',
};
const isSfuRoom = () => !!(app.room && app.room.room && app.room.room.media_mode === 'sfu');

async function startCall({ token, url, name, roomName, devBody }) {
  stopPreview();
  const room = new VoxRoom({ token, url, debug: params.get('debug') === '1' });
  app.room = room;
  app.last = { token, url, name, roomName, devBody, mic: pre.mic, cam: pre.cam };
  app.ending = null;
  app.speakers = [];
  app.trackOwner.clear();
  app.quality.clear();
  app.echo = { state: 'off', error: '' };
  window.voxRoom = room;
  wire(room);
  const isVoice = devBody ? ['voice', 'stage'].includes(devBody.type) : false;
  const listener = devBody && ['audience', 'viewer'].includes(devBody.role); // may not publish
  try {
    const state = await room.connect({ name, media: listener ? undefined : { audio: pre.mic, video: pre.cam && !isVoice } });
    setJoining(false);
    if (state.status === 'waiting') {
      $('#waiting-room-name').textContent = roomName || 'this room';
      show('waiting');
    } else {
      enterCall();
    }
  } catch (e) {
    if (app.room === room) app.room = null;
    throw e;
  }
}

function enterCall() {
  show('call');
  app.joinedAt = Date.now();
  clearInterval(app.timer);
  app.timer = setInterval(updateTimer, 1000);
  updateTimer();
  startQuality();
  render();
}

function wire(room) {
  const r = () => render();
  room.on('participantJoined', (p) => {
    if (app.joinedAt && Date.now() - app.joinedAt > 1000) toast(`${p.name || p.identity} joined`);
    r();
  });
  room.on('participantLeft', (id, reason, p) => {
    if (p && p.status !== 'waiting') toast(`${p.name || p.identity} ${reason === 'removed' ? 'was removed' : reason === 'timeout' ? 'lost connection' : 'left'}`);
    r();
  });
  room.on('participantUpdated', (p, changes) => {
    if ((changes || []).some((c) => /hand_raised/.test(c)) && p.media && p.media.hand_raised && p.id !== room.localParticipant?.id) toast(`${p.name} raised a hand`);
    if (p.id === room.localParticipant?.id && (changes || []).some((c) => /server_mute|muted/.test(c)) && p.media.server_mute) toast('A host muted you', 'info');
    r();
  });
  room.on('roleChanged', ({ to }) => { toast(`Your role is now ${ROLE_LABEL[to] || to}`, 'success'); r(); });
  room.on('roomUpdated', r);
  room.on('sessionUpdated', (s) => { if (['completed', 'cancelled', 'failed'].includes(s.state)) toast('The session ended'); r(); });
  room.on('stageRequest', ({ event, request }) => {
    const me = room.localParticipant;
    if (request && me && request.participant_id === me.id) {
      if (event === 'approved') toast('You are on stage — you can speak now', 'success');
      if (event === 'denied') toast('Your request to speak was declined');
      if (event === 'expired') toast('Your request to speak expired');
    } else if (event === 'created' && canStage()) {
      toast(`${nameOf(request.participant_id, request.identity)} asks to speak`);
    }
    r();
  });
  room.on('participantWaiting', (p) => { toast(`${p.name || p.identity} is waiting to join`); r(); });
  room.on('waitingUpdated', r);
  room.on('waiting', () => show('waiting'));
  room.on('admitted', () => { toast('You were admitted', 'success'); enterCall(); });
  room.on('denied', () => end('denied'));
  room.on('removed', (reason) => end('removed', reason));
  room.on('disconnected', (reason) => { if (!app.ending) end(reason); });
  room.on('connectionStateChanged', (s) => {
    const el = $('#conn-state');
    el.textContent = s;
    el.className = 'conn ' + s;
    $('#reconnect-banner').hidden = s !== 'reconnecting';
    if (s === 'connected' && app.wasReconnecting) toast('Reconnected', 'success');
    if (s === 'reconnecting' && app.echo.state !== 'off') app.echo = { state: 'off', error: 'The echo test stopped: the connection was lost. Press the button again to restart it.' };
    app.wasReconnecting = s === 'reconnecting';
  });
  room.on('trackAdded', (pid, stream, info) => { if (info && info.track) app.trackOwner.set(info.track.id, pid); r(); });
  room.on('trackRemoved', r);
  room.on('activeSpeakers', (list) => { app.speakers = Array.isArray(list) ? list : []; r(); });
  room.on('mediaState', r);
  room.on('localTrack', r);
  let lastSpeak = false;
  room.on('localAudioLevel', (level, speaking) => { if (speaking !== lastSpeak) { lastSpeak = speaking; r(); } });
  room.on('error', (e) => toastError(e));
}

function end(kind, reason) {
  app.ending = kind;
  $('#toasts').replaceChildren();
  clearInterval(app.timer);
  stopQuality();
  app.speakers = [];
  app.echo = { state: 'off', error: '' };
  $('#echo-status').hidden = true;
  for (const [, t] of app.tiles) t.el.remove();
  app.tiles.clear();
  for (const [, a] of app.audios) { a.srcObject = null; a.remove(); }
  app.audios.clear();
  const texts = {
    left: [ICON.leave, 'You left the call', ''],
    removed: [ICON.shield, 'You were removed', reason && reason !== 'removed' ? `Reason: ${reason}` : 'A host removed you from the call.'],
    denied: [ICON.shield, 'Not admitted', 'A host declined your request to join.'],
    token_expired: [ICON.shield, 'Your access expired', 'The access token expired.'],
    connection_lost: [ICON.leave, 'Connection lost', 'Could not reconnect to the server.'],
    rejoin_failed: [ICON.leave, 'Could not rejoin', 'The server refused to resume this call.'],
    replaced: [ICON.people, 'Opened elsewhere', 'You joined this call from another tab or device.'],
    room_deleted: [ICON.leave, 'Room deleted', 'This room no longer exists.'],
  };
  const [icon, title, text] = texts[kind] || [ICON.leave, 'Call ended', reason || ''];
  $('#ended-icon').innerHTML = icon;
  $('#ended-title').textContent = title;
  $('#ended-text').textContent = text;
  show('ended');
}

async function rejoin() {
  const last = app.last;
  if (!last) { show('prejoin'); return; }
  show('prejoin');
  if (last.devBody) joinDev(); else joinWithToken();
}

function updateTimer() {
  const s = app.room && app.room.session;
  const start = s && s.started_at ? Date.parse(s.started_at) : app.joinedAt;
  const sec = Math.max(0, Math.floor((Date.now() - start) / 1000));
  const h = Math.floor(sec / 3600), m = Math.floor(sec / 60) % 60, ss = sec % 60;
  $('#call-timer').textContent = (h ? h + ':' + String(m).padStart(2, '0') : String(m).padStart(2, '0')) + ':' + String(ss).padStart(2, '0');
}

// ---- permissions -------------------------------------------------------------------------------
function me() { return app.room && app.room.localParticipant; }
function perms() { return new Set((me() && me().permissions) || []); }
function isHost() { const m = me(); return !!m && (m.role === 'host' || m.role === 'co_host'); }
function canMute() { return perms().has('mute_members'); }
function canManage() { return isHost() || perms().has('manage_room'); }
function canStage() { return perms().has('manage_stage') || isHost(); }
function outranks(p) { const m = me(); return !!m && (ROLE_RANK[m.role] || 0) > (ROLE_RANK[p.role] || 0); }
function nameOf(id, fallback) {
  const m = me();
  if (m && m.id === id) return m.name || m.identity;
  const p = app.room && app.room.participants.get(id);
  return p ? p.name || p.identity : fallback || 'Someone';
}

// ---- rendering ----------------------------------------------------------------------------------
function render() {
  if (app.renderQueued) return;
  app.renderQueued = true;
  requestAnimationFrame(() => { app.renderQueued = false; try { renderNow(); } catch (e) { console.error(e); } });
}

function renderNow() {
  const room = app.room;
  if (!room || !room.localParticipant || room.status !== 'joined' && room.status !== 'waiting') return;
  const m = room.localParticipant;
  const info = room.room || {};
  const stageLike = info.type === 'stage' || info.type === 'broadcast';
  $('#room-title').textContent = info.name || app.last?.roomName || 'Room';
  $('#room-badge').textContent = [info.type, info.media_mode].filter(Boolean).join(' · ');
  $('#me-name').textContent = m.name || m.identity;
  $('#me-role').textContent = ROLE_LABEL[m.role] || m.role;
  $('#me-role').className = 'role-tag ' + m.role;

  const all = [m, ...room.participants.values()];
  const present = all.filter((p) => PRESENT.has(p.status));
  const waiting = [...room.waitingParticipants.values()];

  // -- tiles
  const wanted = new Map();
  for (const p of present) {
    const isMe = p.id === m.id;
    const onStage = !stageLike || !['audience', 'viewer'].includes(p.role);
    if (onStage) wanted.set(p.id + ':camera', { p, source: 'camera', isMe });
    if (p.media && p.media.screen_share) wanted.set(p.id + ':screen', { p, source: 'screen', isMe });
  }
  // The echo test's tile: your own media as voxd sends it back (participant id "echo"),
  // while the test runs.
  if (app.echo.state !== 'off') {
    wanted.set('echo:camera', { p: ECHO_PARTICIPANT, source: 'camera', isMe: false, echo: true });
  }
  for (const [key, t] of app.tiles) if (!wanted.has(key)) { t.video.srcObject = null; t.el.remove(); app.tiles.delete(key); }
  const grid = $('#grid');
  let order = 0;
  // Screens first, then me, then my echo, then others in join order.
  const rank = (k) => (k.endsWith(':screen') ? 4 : 0) + (wanted.get(k).isMe ? 2 : 0) + (wanted.get(k).echo ? 1 : 0);
  const keys = [...wanted.keys()].sort((a, b) => rank(b) - rank(a));
  const bigKey = keys.find((k) => k.endsWith(':screen')); // the first screen share is the large tile
  for (const key of keys) {
    const w = wanted.get(key);
    let t = app.tiles.get(key);
    if (!t) { t = makeTile(key, w); app.tiles.set(key, t); }
    updateTile(t, w);
    t.el.classList.toggle('big', key === bigKey);
    t.el.style.order = String(order++);
    if (t.el.parentNode !== grid) grid.appendChild(t.el);
  }
  layoutGrid();
  const strip = $('#audience-strip');
  const audience = present.filter((p) => stageLike && ['audience', 'viewer'].includes(p.role));
  strip.hidden = !stageLike;
  if (stageLike) strip.textContent = `${audience.length} in the audience` + (audience.length ? ': ' + audience.slice(0, 12).map((p) => p.name || p.identity).join(', ') + (audience.length > 12 ? '…' : '') : '');

  // -- remote audio
  const wantAudio = new Set();
  for (const [pid, streams] of room.remoteStreams) {
    for (const [source, stream] of Object.entries(streams)) {
      if (!stream.getAudioTracks().length) continue;
      const key = pid + ':' + source;
      wantAudio.add(key);
      let a = app.audios.get(key);
      if (!a) {
        a = document.createElement('audio');
        a.autoplay = true;
        a.setAttribute('data-participant', pid);
        $('#audio-sink').appendChild(a);
        app.audios.set(key, a);
      }
      if (a.srcObject !== stream) { a.srcObject = stream; a.play().catch(() => {}); }
      a.muted = room.deafened;
    }
  }
  for (const [key, a] of app.audios) if (!wantAudio.has(key)) { a.srcObject = null; a.remove(); app.audios.delete(key); }

  renderSidebar(present, waiting);
  renderControls();
}

const ECHO_PARTICIPANT = { id: 'echo', identity: 'echo', name: 'Echo test', role: 'participant', status: 'connected', media: { audio: true, video: true } };

// ---- grid layout ----------------------------------------------------------------------------
// Tiles are 16:9. For n tiles the layout tries every column count and keeps the one that
// gives the largest tiles in the grid's box (2 people side by side, 8 in a 3x3 or a 4x2
// depending on the window, 16 in a 4x4...). A screen share is one larger tile spanning k x k
// cells (k from 2 up to the column count); the other tiles flow beside and below it, and the
// layout that covers the most area wins among those whose small tiles stay at least
// MIN_SMALL_W wide. Recomputed when tiles come and go or the grid's box changes size.
const GRID_GAP = 12;
const TILE_ASPECT = 16 / 9;
const MIN_TILE_W = 96;
const MIN_SMALL_W = 180;

function bestLayout(W, H, n, screens) {
  const minSmall = Math.min(MIN_SMALL_W, Math.max(MIN_TILE_W, W / 5));
  let best = null, widest = null;
  for (let c = 1; c <= n + 3; c++) {
    const spans = screens && n > 1 && c >= 2 ? [...new Set([2, c - 1, c])].filter((k) => k >= 2 && k <= c) : [1];
    for (const k of spans) {
      const small = n - (k > 1 ? 1 : 0);
      // The k x k screen tile at the top left; small tiles fill the columns to its right, then below.
      const rows = k > 1 ? k + Math.ceil(Math.max(0, small - (c - k) * k) / c) : Math.ceil(n / c);
      const cw = (W - GRID_GAP * (c - 1)) / c;
      const ch = (H - GRID_GAP * (rows - 1)) / rows;
      const w = Math.floor(Math.min(cw, ch * TILE_ASPECT));
      if (w <= 0) continue;
      const h = Math.floor(w / TILE_ASPECT);
      const bigW = k * w + (k - 1) * GRID_GAP;
      const covered = k > 1 ? bigW * (bigW / TILE_ASPECT) + small * w * h : n * w * h;
      const L = { cols: c, rows, w, h, k, covered };
      if (!widest || w > widest.w) widest = L;
      if (w >= minSmall && (!best || covered > best.covered + 1)) best = L;
    }
  }
  return best || widest || { cols: 1, rows: n, w: MIN_TILE_W, h: Math.floor(MIN_TILE_W / TILE_ASPECT), k: 1 };
}

function layoutGrid() {
  const grid = $('#grid');
  const tiles = [...app.tiles.values()];
  const n = tiles.length;
  const W = grid.clientWidth, H = grid.clientHeight;
  if (!n || !W || !H) return;
  const screens = tiles.some((t) => t.el.classList.contains('big')) ? 1 : 0;
  const key = `${n}/${screens}/${W}x${H}`;
  if (key === app.layout) return;
  app.layout = key;
  const L = bestLayout(W, H, n, screens);
  const w = Math.max(MIN_TILE_W, L.w), h = Math.max(Math.floor(MIN_TILE_W / TILE_ASPECT), L.h);
  grid.style.setProperty('--cols', String(L.cols));
  grid.style.setProperty('--tile-w', w + 'px');
  grid.style.setProperty('--tile-h', h + 'px');
  grid.style.setProperty('--span', String(L.k));
  grid.dataset.cols = String(L.cols);
  grid.dataset.tiles = String(n);
  grid.classList.toggle('has-screen', screens > 0 && n > 1);
}

// ---- speaking -----------------------------------------------------------------------------------
// sfu rooms: voxd's active speakers (measured on the audio it forwards); the loudest gets the
// stronger ring. p2p rooms: each participant's own report (vox.js's local detector), as before.
function speakingOf(p, isMe) {
  const m = p.media || {};
  if (isSfuRoom() || p.id === 'echo') {
    const i = app.speakers.findIndex((s) => s.participant_id === p.id);
    return { speaking: i >= 0, loudest: i === 0 };
  }
  const speaking = !!((isMe ? app.room.speaking : m.speaking) && m.audio && !m.self_mute && !m.server_mute);
  return { speaking, loudest: false };
}

function makeTile(key, w) {
  const el = document.createElement('div');
  el.className = 'tile' + (w.isMe ? ' local' : '') + (w.source === 'screen' ? ' screen' : '') + (w.echo ? ' echo' : '');
  el.setAttribute('data-testid', `tile-${w.p.identity}${w.source === 'screen' ? '-screen' : ''}`);
  el.dataset.participant = w.p.id;
  const video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true; // audio plays through the audio sink (and never our own)
  const avatar = document.createElement('div');
  avatar.className = 'avatar avatar-xl';
  const label = document.createElement('div');
  label.className = 'label';
  const topright = document.createElement('div');
  topright.className = 'topright';
  const quality = document.createElement('div');
  quality.className = 'quality';
  quality.setAttribute('data-testid', 'quality');
  const note = document.createElement('div');
  note.className = 'tile-note';
  note.hidden = true;
  el.append(avatar, video, label, topright, quality, note);
  return { key, el, video, avatar, label, topright, quality, note, labelHtml: '', chipsHtml: '', qualityHtml: '' };
}

function updateTile(t, { p, source, isMe, echo }) {
  const room = app.room;
  const media = p.media || {};
  let stream = null;
  if (isMe) stream = source === 'screen' ? room.localStreams.screen : room.localStreams.camera;
  else stream = (room.remoteStreams.get(p.id) || {})[source] || null;
  const wantVideo = echo ? true : source === 'screen' ? !!media.screen_share : !!media.video;
  const hasVideo = !!stream && stream.getVideoTracks().some((tr) => tr.readyState === 'live');
  const showVideo = wantVideo && hasVideo;
  if (showVideo) {
    if (t.video.srcObject !== stream) { t.video.srcObject = stream; t.video.play().catch(() => {}); }
    t.video.hidden = false;
  } else {
    t.video.hidden = true;
  }
  t.video.classList.toggle('mirror', isMe && source === 'camera');
  t.avatar.hidden = showVideo;
  t.avatar.textContent = echo ? 'ME' : initials(p.name || p.identity);
  t.avatar.style.setProperty('--avatar', colorFor(echo ? (room.localParticipant || p).identity : p.identity));
  const { speaking, loudest } = source === 'camera' ? speakingOf(p, isMe) : { speaking: false, loudest: false };
  t.el.classList.toggle('speaking', speaking);
  t.el.classList.toggle('loudest', loudest);
  t.el.dataset.speaking = String(speaking);
  t.el.dataset.loudest = String(loudest);
  t.el.dataset.video = String(showVideo);
  // Connection quality (computed from getStats; see the quality section).
  const q = qualityOf(echo ? 'echo' : isMe ? 'local' : p.id);
  t.el.dataset.quality = q.quality;
  const qHtml = qualityHtml(q);
  if (qHtml !== t.qualityHtml) { t.quality.innerHTML = qHtml; t.qualityHtml = qHtml; }
  t.quality.title = qualityTitle(q, isMe);
  t.quality.dataset.quality = q.quality;
  const micOff = !echo && (!media.audio || media.self_mute || media.server_mute);
  const labelHtml = echo
    ? `${ICON.echo}<span>Echo test (you)</span>`
    : source === 'screen'
      ? `${ICON.screen}<span>${esc(p.name || p.identity)}${isMe ? ' (you)' : ''} — screen</span>`
      : `<span class="${micOff ? 'off' : ''}">${micOff ? ICON.micOff : ICON.mic}</span><span>${esc(p.name || p.identity)}${isMe ? ' (you)' : ''}</span>`;
  if (labelHtml !== t.labelHtml) { t.label.innerHTML = labelHtml; t.labelHtml = labelHtml; }
  if (echo) {
    const text = app.echo.state === 'starting' ? 'Starting the echo test…'
      : app.echo.state === 'stopping' ? 'Stopping…'
        : !showVideo ? 'Waiting for your echo from the server…' : '';
    t.note.textContent = text;
    t.note.hidden = !text;
    t.el.dataset.echoState = app.echo.state;
  }
  let chips = '';
  if (source === 'camera' && !echo) {
    if (media.hand_raised) chips += `<span class="chip hand" title="Hand raised">${ICON.hand}</span>`;
    if (media.server_mute) chips += `<span class="chip warn">Muted by host</span>`;
    if (p.status === 'reconnecting') chips += `<span class="chip warn">Reconnecting…</span>`;
    if (p.role === 'host' || p.role === 'co_host') chips += `<span class="chip">${ROLE_LABEL[p.role]}</span>`;
    if (q.quality === 'poor' || q.quality === 'lost') chips += `<span class="chip warn">${q.quality === 'lost' ? 'Connection lost' : 'Poor connection'}</span>`;
  }
  if (chips !== t.chipsHtml) { t.topright.innerHTML = chips; t.chipsHtml = chips; }
}

function stateIcons(p, isMe) {
  const m = p.media || {};
  const { speaking } = speakingOf(p, isMe);
  let h = '';
  if (m.hand_raised) h += `<span class="hand" title="Hand raised">${ICON.hand}</span>`;
  if (m.screen_share) h += `<span class="on" title="Sharing screen">${ICON.screen}</span>`;
  h += m.video ? `<span class="on" title="Camera on">${ICON.cam}</span>` : `<span class="off" title="Camera off">${ICON.camOff}</span>`;
  h += m.audio && !m.self_mute && !m.server_mute
    ? `<span class="${speaking ? 'on' : ''}" title="${speaking ? 'Speaking' : 'Mic on'}" style="${speaking ? 'color:var(--green)' : ''}">${ICON.mic}</span>`
    : `<span class="off" title="${m.server_mute ? 'Muted by a host' : 'Mic off'}">${ICON.micOff}</span>`;
  return { html: h, speaking };
}

function participantRow(p) {
  const m = me();
  const isMe = p.id === m.id;
  const info = app.room.room || {};
  const media = p.media || {};
  const { html: icons, speaking } = stateIcons(p, isMe);
  let actions = '';
  if (!isMe && PRESENT.has(p.status)) {
    const id = esc(p.identity);
    if (canMute()) {
      actions += media.server_mute
        ? `<button class="btn" data-act="unmute" data-id="${p.id}" data-testid="unmute-${id}" title="Allow to speak">Unmute</button>`
        : `<button class="btn" data-act="mute" data-id="${p.id}" data-testid="mute-${id}" title="Mute for everyone">Mute</button>`;
    }
    if (info.type === 'stage' && canStage()) {
      if (p.role === 'speaker') actions += `<button class="btn" data-act="demote" data-id="${p.id}" data-testid="demote-${id}">To audience</button>`;
      else if (['audience', 'participant', 'viewer'].includes(p.role)) actions += `<button class="btn" data-act="promote" data-id="${p.id}" data-testid="promote-${id}">Invite to speak</button>`;
    }
    if (canManage() && outranks(p)) {
      const roles = info.type === 'stage' ? ['co_host', 'moderator', 'speaker', 'audience'] : ['co_host', 'moderator', 'participant', 'viewer'];
      const allowed = roles.filter((r) => (ROLE_RANK[r] || 0) <= (ROLE_RANK[m.role] || 0));
      if (!allowed.includes(p.role)) allowed.unshift(p.role);
      actions += `<select data-act="role" data-id="${p.id}" data-testid="role-${id}" title="Change role">${allowed.map((r) => `<option value="${r}"${r === p.role ? ' selected' : ''}>${ROLE_LABEL[r]}</option>`).join('')}</select>`;
    }
    if ((canMute() || canManage()) && outranks(p)) actions += `<button class="btn btn-danger" data-act="remove" data-id="${p.id}" data-testid="remove-${id}" title="Remove from the call">✕</button>`;
  }
  const status = p.status === 'reconnecting' ? ' · reconnecting…' : '';
  const html = `<li class="prow${speaking ? ' speaking' : ''}" data-testid="participant-${esc(p.identity)}" data-id="${p.id}" data-identity="${esc(p.identity)}"
      data-audio="${!!media.audio}" data-video="${!!media.video}" data-screen="${!!media.screen_share}" data-hand="${!!media.hand_raised}"
      data-server-muted="${!!media.server_mute}" data-self-muted="${!!media.self_mute}" data-speaking="${!!speaking}" data-role="${p.role}" data-status="${p.status}">
    <div class="avatar" style="--avatar:${colorFor(p.identity)}">${esc(initials(p.name || p.identity))}</div>
    <div class="pinfo"><span class="pname">${esc(p.name || p.identity)}${isMe ? ' <span class="muted">(you)</span>' : ''}</span>
      <span class="pmeta"><span class="role-tag ${p.role}">${ROLE_LABEL[p.role] || p.role}</span>${status}</span></div>
    <div class="picons">${icons}</div>
    ${actions ? `<div class="pactions row-actions">${actions}</div>` : ''}
  </li>`;
  return html;
}

function syncList(ul, items, rowFn) {
  // Keyed and in place: a row's attributes are updated and only the children whose markup
  // changed are replaced, so a speaking indicator flickering never swaps the buttons under the
  // pointer, and a control that has focus (an open role menu) is left alone.
  const existing = new Map([...ul.children].map((li) => [li.dataset.key, li]));
  const seen = new Set();
  let prev = null;
  for (const item of items) {
    const key = item.key;
    seen.add(key);
    const html = rowFn(item.value);
    let li = existing.get(key);
    if (!li || li._html !== html) {
      const tmp = document.createElement('template');
      tmp.innerHTML = html.trim();
      const fresh = tmp.content.firstElementChild;
      fresh.dataset.key = key;
      if (!li) { li = fresh; ul.appendChild(li); }
      else morph(li, fresh);
      li._html = html;
    }
    if (prev ? prev.nextSibling !== li : ul.firstChild !== li) ul.insertBefore(li, prev ? prev.nextSibling : ul.firstChild);
    prev = li;
  }
  for (const [key, li] of existing) if (!seen.has(key)) li.remove();
}

function morph(li, fresh) {
  for (const a of [...li.attributes]) if (!fresh.hasAttribute(a.name)) li.removeAttribute(a.name);
  for (const a of [...fresh.attributes]) if (li.getAttribute(a.name) !== a.value) li.setAttribute(a.name, a.value);
  const oldKids = [...li.children], newKids = [...fresh.children];
  if (oldKids.length !== newKids.length) { li.replaceChildren(...newKids); return; }
  oldKids.forEach((o, i) => {
    if (o.outerHTML !== newKids[i].outerHTML && !o.contains(document.activeElement)) o.replaceWith(newKids[i]);
  });
}

function renderSidebar(present, waiting) {
  const room = app.room;
  $('#people-count').textContent = String(present.length);
  $('#sidebar').hidden = !app.sidebarOpen;
  const m = me();
  const sorted = [m, ...present.filter((p) => p.id !== m.id).sort((a, b) => (ROLE_RANK[b.role] || 0) - (ROLE_RANK[a.role] || 0) || String(a.name).localeCompare(String(b.name)))];
  syncList($('#participant-list'), sorted.map((p) => ({ key: p.id, value: p })), participantRow);

  const showWaiting = waiting.length > 0 && isHost();
  $('#waiting-section').hidden = !showWaiting;
  syncList($('#waiting-list'), showWaiting ? waiting.map((p) => ({ key: p.id, value: p })) : [], (p) => `
    <li class="prow" data-testid="waiting-${esc(p.identity)}" data-id="${p.id}">
      <div class="avatar" style="--avatar:${colorFor(p.identity)}">${esc(initials(p.name || p.identity))}</div>
      <div class="pinfo"><span class="pname">${esc(p.name || p.identity)}</span><span class="pmeta">waiting</span></div>
      <div class="pactions"><button class="btn btn-primary" data-act="admit" data-id="${p.id}" data-testid="admit-${esc(p.identity)}">Admit</button>
      <button class="btn" data-act="deny" data-id="${p.id}" data-testid="deny-${esc(p.identity)}">Deny</button></div>
    </li>`);

  const reqs = room.pendingRequests();
  const showReqs = (room.room || {}).type === 'stage' && reqs.length > 0 && canStage();
  $('#requests-section').hidden = !showReqs;
  syncList($('#requests-list'), showReqs ? reqs.map((r) => ({ key: r.id, value: r })) : [], (r) => `
    <li class="prow" data-testid="request-${esc(r.identity)}" data-id="${r.id}">
      <div class="avatar" style="--avatar:${colorFor(r.identity)}">${esc(initials(nameOf(r.participant_id, r.identity)))}</div>
      <div class="pinfo"><span class="pname">${esc(nameOf(r.participant_id, r.identity))}</span><span class="pmeta">wants to speak</span></div>
      <div class="pactions"><button class="btn btn-primary" data-act="approve" data-id="${r.id}" data-testid="approve-${esc(r.identity)}">Approve</button>
      <button class="btn" data-act="deny-request" data-id="${r.id}" data-testid="deny-request-${esc(r.identity)}">Deny</button></div>
    </li>`);
}

function setCtl(btn, { icon, cls = '', title, pressed, disabled = false }) {
  const html = icon;
  if (btn._icon !== html) { btn.innerHTML = html; btn._icon = html; }
  btn.className = 'ctl ' + cls + (btn.id === 'leave-button' ? ' ctl-leave' : '') + (btn.id === 'people-button' ? ' ctl-small' : '');
  btn.title = title;
  btn.setAttribute('aria-label', title);
  if (pressed !== undefined) btn.setAttribute('aria-pressed', String(pressed));
  btn.disabled = disabled;
}

function renderControls() {
  const room = app.room;
  const m = me();
  const media = m.media || {};
  const p = perms();
  const info = room.room || {};
  const micOn = !!room.localTracks.microphone && !!media.audio;
  const canSpeak = p.has('speak');
  setCtl($('#mic-button'), {
    icon: micOn && !media.server_mute && !media.self_mute ? ICON.mic : ICON.micOff,
    cls: micOn && !media.server_mute && !media.self_mute ? '' : 'off',
    title: media.server_mute ? 'Muted by a host' : micOn ? 'Turn off microphone' : 'Turn on microphone',
    pressed: micOn, disabled: !canSpeak && !micOn,
  });
  $('#mic-button').dataset.state = micOn ? 'on' : 'off';
  const camOn = !!room.localTracks.camera && !!media.video;
  setCtl($('#camera-button'), { icon: camOn ? ICON.cam : ICON.camOff, cls: camOn ? '' : 'off', title: camOn ? 'Turn off camera' : 'Turn on camera', pressed: camOn, disabled: !p.has('video') && !camOn });
  $('#camera-button').dataset.state = camOn ? 'on' : 'off';
  const shareOn = !!room.localTracks.screen && !!media.screen_share;
  setCtl($('#screen-button'), { icon: ICON.screen, cls: shareOn ? 'active' : '', title: shareOn ? 'Stop sharing' : 'Share screen', pressed: shareOn, disabled: !shareOn && (!p.has('stream') || info.screen_share_allowed === false) });
  $('#screen-button').hidden = !navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia;
  const hand = !!media.hand_raised;
  setCtl($('#hand-button'), { icon: ICON.hand, cls: hand ? 'hand-up' : '', title: hand ? 'Lower hand' : 'Raise hand', pressed: hand });
  $('#hand-button').dataset.state = hand ? 'up' : 'down';
  const isAudience = info.type === 'stage' && ['audience', 'participant', 'viewer'].includes(m.role);
  const myReq = room.myPendingRequest();
  $('#speak-button').hidden = !isAudience;
  setCtl($('#speak-button'), { icon: ICON.speak, cls: myReq ? 'active' : '', title: myReq ? 'Cancel request to speak' : 'Request to speak', pressed: !!myReq });
  const deaf = room.deafened;
  setCtl($('#deafen-button'), { icon: deaf ? ICON.headphonesOff : ICON.headphones, cls: deaf ? 'off' : '', title: deaf ? 'Undeafen' : 'Deafen (mute everyone for me)', pressed: deaf });
  setCtl($('#leave-button'), { icon: ICON.leave, title: 'Leave call' });
  setCtl($('#people-button'), { icon: ICON.people, cls: app.sidebarOpen ? 'active' : '', title: 'People' });
  // The echo test needs voxd's media plane: sfu rooms only.
  const echo = app.echo.state;
  const eb = $('#echo-button');
  eb.hidden = !isSfuRoom();
  const ebText = echo === 'on' ? 'Stop the echo test' : echo === 'starting' ? 'Starting the echo test…' : echo === 'stopping' ? 'Stopping…' : 'Test my mic and camera';
  if (eb.textContent !== ebText) eb.textContent = ebText;
  eb.disabled = echo === 'starting' || echo === 'stopping';
  eb.classList.toggle('active', echo === 'on');
  eb.setAttribute('aria-pressed', String(echo === 'on'));
  eb.dataset.state = echo;
  const es = $('#echo-status');
  if (es.textContent !== app.echo.error) es.textContent = app.echo.error;
  es.hidden = !app.echo.error;
}

// ---- connection quality ---------------------------------------------------------------------
// Computed in the page, once a second, from RTCPeerConnection.getStats():
//   - a remote participant: the inbound-rtp streams received from them (sfu rooms: on the
//     subscriber connection, told apart by track; p2p rooms: on the connection to them).
//     loss   = packetsLost delta / (packetsLost + packetsReceived) deltas over the last 5 s
//     jitter = mean over the last 5 s of the inbound-rtp jitter (their audio's when they send
//              audio, else their video's)
//     rtt    = currentRoundTripTime of the connection's selected candidate pair (in sfu rooms
//              the path between this page and voxd)
//   - yourself: what voxd reports back about what you send (remote-inbound-rtp on the publisher
//     connection: packetsLost against your packetsSent, jitter, roundTripTime), else the
//     candidate pair's rtt.
//   - the echo test's tile: the echo's inbound streams, like a remote participant.
// Grades (QUALITY below):
//   excellent  loss < 2 %  and rtt < 150 ms and jitter < 30 ms
//   good       loss < 5 %  and rtt < 300 ms and jitter < 75 ms
//   poor       anything worse
//   lost       no packet for 5 s while they should be sending (camera on, or microphone on and
//              neither muted by a host nor by themselves), or the connection carrying their
//              media failed or disconnected, or their signaling is reconnecting.
const QUALITY = {
  everyMs: 1000,
  windowMs: 5000,
  lostMs: 5000,
  excellent: { loss: 0.02, rtt: 0.150, jitter: 0.030 },
  good: { loss: 0.05, rtt: 0.300, jitter: 0.075 },
};
const DOWN_STATES = new Set(['failed', 'disconnected', 'closed']);

function gradeQuality(loss, rtt, jitter) {
  const { excellent: e, good: g } = QUALITY;
  if (loss < e.loss && rtt < e.rtt && jitter < e.jitter) return 'excellent';
  if (loss < g.loss && rtt < g.rtt && jitter < g.jitter) return 'good';
  return 'poor';
}

function startQuality() {
  stopQuality();
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try { await sampleQuality(); } catch (e) { console.warn('quality', e); } finally { busy = false; }
  };
  app.qualityTimer = setInterval(tick, QUALITY.everyMs);
  tick();
}
function stopQuality() {
  clearInterval(app.qualityTimer);
  app.qualityTimer = null;
  app.quality.clear();
}

// The selected candidate pair's rtt (seconds), or null.
function pairRtt(stats) {
  let selected = null, rtt = null;
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) selected = s.selectedCandidatePairId; });
  stats.forEach((s) => {
    if (s.type !== 'candidate-pair' || typeof s.currentRoundTripTime !== 'number') return;
    if (selected ? s.id === selected : s.nominated && s.state === 'succeeded') rtt = Math.max(rtt ?? 0, s.currentRoundTripTime);
  });
  return rtt;
}

const emptyAgg = () => ({ recv: 0, lost: 0, audio: false, ajit: 0, vjit: 0 });

// Sums the inbound-rtp of pc per sending participant into per (owner fixed in p2p rooms).
async function readInbound(pc, fixedOwner, per) {
  const stats = await pc.getStats();
  const midOwner = new Map();
  if (!fixedOwner) {
    for (const tr of pc.getTransceivers()) {
      const o = tr.receiver && tr.receiver.track && app.trackOwner.get(tr.receiver.track.id);
      if (o && tr.mid != null) midOwner.set(tr.mid, o);
    }
  }
  stats.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    const owner = fixedOwner || app.trackOwner.get(s.trackIdentifier) || midOwner.get(s.mid);
    if (!owner) return;
    let e = per.get(owner);
    if (!e) { e = emptyAgg(); per.set(owner, e); }
    e.recv += s.packetsReceived || 0;
    e.lost += Math.max(0, s.packetsLost || 0);
    if (s.kind === 'audio') { e.audio = true; e.ajit = Math.max(e.ajit, s.jitter || 0); } else e.vjit = Math.max(e.vjit, s.jitter || 0);
  });
  return { rtt: pairRtt(stats), state: pc.connectionState };
}

// Our own sending: packets sent, what voxd (or the peers) report lost, their jitter and rtt.
async function readOutbound(pc, agg) {
  const stats = await pc.getStats();
  let rrtt = null;
  stats.forEach((s) => {
    if (s.type === 'outbound-rtp') agg.recv += s.packetsSent || 0;
    if (s.type === 'remote-inbound-rtp') {
      agg.lost += Math.max(0, s.packetsLost || 0);
      if (s.kind === 'audio') { agg.audio = true; agg.ajit = Math.max(agg.ajit, s.jitter || 0); } else agg.vjit = Math.max(agg.vjit, s.jitter || 0);
      if (typeof s.roundTripTime === 'number') rrtt = Math.max(rrtt ?? 0, s.roundTripTime);
    }
  });
  return { rtt: pairRtt(stats) ?? rrtt, state: pc.connectionState };
}

// Whether p's media should be reaching us now.
function expectsMedia(p) {
  const room = app.room;
  const m = p.media || {};
  const audio = m.audio && !m.self_mute && !m.server_mute && !room.deafened;
  return !!(audio || m.video || m.screen_share);
}

function updateQuality(id, agg, link, expected, down, now) {
  let r = app.quality.get(id);
  if (!r) { r = { samples: [], lastRecv: -1, lastGrowAt: now, expectSince: null }; app.quality.set(id, r); }
  if (agg.recv < r.lastRecv) { r.samples = []; r.lastGrowAt = now; } // streams were replaced: counters start over
  if (agg.recv > r.lastRecv) { if (r.lastRecv >= 0) r.lastGrowAt = now; r.lastRecv = agg.recv; }
  if (r.lastRecv < 0) r.lastRecv = agg.recv;
  if (expected) { if (r.expectSince == null) r.expectSince = now; } else r.expectSince = null;
  const jit = agg.audio ? agg.ajit : agg.vjit;
  r.samples.push({ t: now, recv: agg.recv, lost: agg.lost, jit });
  while (r.samples.length > 2 && now - r.samples[1].t >= QUALITY.windowMs) r.samples.shift();
  const first = r.samples[0];
  const dRecv = Math.max(0, agg.recv - first.recv), dLost = Math.max(0, agg.lost - first.lost);
  r.loss = dRecv + dLost > 0 ? dLost / (dRecv + dLost) : 0;
  r.jitter = r.samples.reduce((a, s) => a + s.jit, 0) / r.samples.length;
  r.rtt = link && typeof link.rtt === 'number' ? link.rtt : null;
  const quietMs = expected ? now - Math.max(r.lastGrowAt, r.expectSince) : 0;
  r.quietMs = quietMs;
  const before = r.quality;
  if (down || (link && DOWN_STATES.has(link.state))) r.quality = 'lost';
  else if (expected && quietMs >= QUALITY.lostMs) r.quality = 'lost';
  else r.quality = gradeQuality(r.loss, r.rtt || 0, r.jitter);
  r.measured = true;
  return before !== r.quality;
}

async function sampleQuality() {
  const room = app.room;
  if (!room || room.status !== 'joined' || !room.localParticipant) return;
  const now = performance.now();
  const per = new Map();
  const links = new Map(); // participant id -> link carrying their media
  const pcs = room.peerConnections;
  let selfAgg = emptyAgg(), selfLink = null;
  if (isSfuRoom()) {
    const sub = pcs.get('subscriber'), pub = pcs.get('publisher');
    const subLink = sub ? await readInbound(sub, null, per) : null;
    for (const p of [...room.participants.values(), ECHO_PARTICIPANT]) links.set(p.id, subLink);
    selfLink = pub ? await readOutbound(pub, selfAgg) : subLink;
  } else {
    let worst = null;
    for (const [id, pc] of pcs) {
      const link = await readInbound(pc, id, per);
      links.set(id, link);
      const out = await readOutbound(pc, selfAgg);
      if (!worst || (out.rtt ?? 0) > (worst.rtt ?? 0) || DOWN_STATES.has(out.state)) worst = out;
    }
    selfLink = worst;
  }
  if (app.room !== room) return;
  let changed = false;
  for (const p of room.participants.values()) {
    if (!PRESENT.has(p.status)) continue;
    changed = updateQuality(p.id, per.get(p.id) || emptyAgg(), links.get(p.id), expectsMedia(p), p.status === 'reconnecting', now) || changed;
  }
  if (app.echo.state !== 'off') {
    const local = room.localTracks;
    const expected = app.echo.state === 'on' && !!(local.microphone || local.camera);
    changed = updateQuality('echo', per.get('echo') || emptyAgg(), links.get('echo'), expected, false, now) || changed;
  } else app.quality.delete('echo');
  const local = room.localTracks;
  changed = updateQuality('local', selfAgg, selfLink, !!(local.camera || local.microphone || local.screen), room.connectionState !== 'connected', now) || changed;
  for (const id of [...app.quality.keys()]) if (id !== 'local' && id !== 'echo' && !room.participants.has(id)) app.quality.delete(id);
  // Titles show the figures: refresh the tiles every tick, whether or not a grade changed.
  if (changed || app.tiles.size) render();
}

function qualityOf(id) {
  const r = app.quality.get(id);
  return r && r.measured ? r : { quality: 'excellent', measured: false };
}

function qualityHtml(q) {
  return `<span class="bars q-${q.quality}" aria-hidden="true"><i></i><i></i><i></i></span>`;
}

function qualityTitle(q, isMe) {
  const label = { excellent: 'Excellent', good: 'Good', poor: 'Poor', lost: 'Lost' }[q.quality];
  if (!q.measured) return `Connection: measuring…`;
  const ms = (s) => (s == null ? '—' : Math.round(s * 1000) + ' ms');
  const parts = [`loss ${(q.loss * 100).toFixed(1)} %`, `rtt ${ms(q.rtt)}`, `jitter ${ms(q.jitter)}`];
  if (q.quality === 'lost' && q.quietMs >= QUALITY.lostMs) parts.push(`nothing ${isMe ? 'sent' : 'received'} for ${Math.round(q.quietMs / 1000)} s`);
  return `${isMe ? 'Your connection' : 'Connection'}: ${label} (${parts.join(', ')})`;
}

// ---- echo test ----------------------------------------------------------------------------------
// "Test my mic and camera": echo_start asks voxd to send this participant's own audio and video
// back, as the tracks of the pseudo participant "echo" (trackAdded with participantId "echo");
// echo_stop ends it. An error answer (a server without echo, a room without media) shows its
// text under the top bar.
async function toggleEcho() {
  const room = app.room;
  if (!room || app.echo.state === 'starting' || app.echo.state === 'stopping') return;
  if (app.echo.state === 'on') {
    app.echo = { state: 'stopping', error: '' };
    render();
    try { await room.request('echo_stop'); } catch (e) {
      if (e.code !== 'not_connected') app.echo.error = `Echo test: ${e.message || e.code}`;
    }
    if (app.room === room) { app.echo.state = 'off'; app.quality.delete('echo'); }
    render();
    return;
  }
  app.echo = { state: 'starting', error: '' };
  render();
  try {
    await room.request('echo_start');
    if (app.room !== room || app.echo.state !== 'starting') return;
    app.echo.state = 'on';
    toast('Echo test: you should now see and hear yourself as others do', 'success');
  } catch (e) {
    if (app.room !== room) return;
    app.echo = { state: 'off', error: `The echo test is not available: ${e.message || e.code}${e.code && e.message ? ` (${e.code})` : ''}` };
  }
  render();
}

// ---- control handlers ----------------------------------------------------------------------------
async function guarded(btn, fn, label) {
  if (btn) btn.disabled = true;
  try { await fn(); } catch (e) { toastError(e, label); } finally { if (btn) btn.disabled = false; render(); }
}

function initControls() {
  $('#mic-button').addEventListener('click', (e) => guarded(e.currentTarget, async () => {
    const room = app.room;
    const on = !!room.localTracks.microphone && room.localParticipant.media.audio;
    if (!on) await room.setMicrophone(true);
    else if (room.localParticipant.media.self_mute) await room.setMuted(false);
    else await room.setMicrophone(false);
  }, 'Microphone'));
  $('#camera-button').addEventListener('click', (e) => guarded(e.currentTarget, async () => {
    const room = app.room;
    await room.setCamera(!(room.localTracks.camera && room.localParticipant.media.video));
  }, 'Camera'));
  $('#screen-button').addEventListener('click', (e) => guarded(e.currentTarget, async () => {
    const room = app.room;
    await room.setScreenShare(!(room.localTracks.screen && room.localParticipant.media.screen_share));
  }, 'Screen share'));
  $('#hand-button').addEventListener('click', (e) => guarded(e.currentTarget, () => app.room.raiseHand(!app.room.localParticipant.media.hand_raised), 'Hand'));
  $('#speak-button').addEventListener('click', (e) => guarded(e.currentTarget, async () => {
    const r = app.room.myPendingRequest();
    if (r) { await app.room.cancelRequest(r.id); toast('Request withdrawn'); }
    else { await app.room.requestToSpeak(); toast('Request sent to the moderators', 'success'); }
  }, 'Request to speak'));
  $('#deafen-button').addEventListener('click', (e) => guarded(e.currentTarget, () => app.room.setDeafened(!app.room.deafened), 'Deafen'));
  $('#leave-button').addEventListener('click', (e) => guarded(e.currentTarget, async () => { app.ending = 'left'; await app.room.leave(); end('left'); }, 'Leave'));
  $('#people-button').addEventListener('click', () => { app.sidebarOpen = !app.sidebarOpen; render(); });
  $('#echo-button').addEventListener('click', () => toggleEcho());
  if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => layoutGrid()).observe($('#grid'));
  else window.addEventListener('resize', () => layoutGrid());
  $('#close-sidebar').addEventListener('click', () => { app.sidebarOpen = false; render(); });
  $('#copy-link').addEventListener('click', async () => {
    const info = app.room?.room || {};
    const u = new URL(location.origin + '/');
    u.searchParams.set('room', info.name || app.last?.roomName || '');
    if (app.last?.devBody) u.searchParams.set('type', app.last.devBody.type + ':' + app.last.devBody.media_mode);
    try { await navigator.clipboard.writeText(u.toString()); toast('Invite link copied', 'success'); }
    catch { toast(u.toString()); }
  });

  const onAction = (e) => {
    const el = e.target.closest('[data-act]');
    if (!el || el.tagName === 'SELECT' && e.type === 'click') return;
    const room = app.room;
    const id = el.dataset.id;
    const act = el.dataset.act;
    const who = nameOf(id);
    const run = {
      mute: () => room.mute(id),
      unmute: () => room.unmute(id),
      remove: () => room.remove(id),
      admit: () => room.admit(id),
      deny: () => room.deny(id),
      demote: () => room.demote(id),
      promote: () => room.setRole(id, 'speaker'),
      role: () => room.setRole(id, el.value),
      approve: () => room.approve(id),
      'deny-request': () => room.denyRequest(id),
    }[act];
    if (run) guarded(el.tagName === 'BUTTON' ? el : null, async () => {
      await run();
      if (act === 'role') toast(`${who} is now ${ROLE_LABEL[el.value] || el.value}`, 'success');
      if (act === 'remove') toast(`Removed ${who}`);
    }, act[0].toUpperCase() + act.slice(1).replace('-', ' '));
  };
  $('#sidebar').addEventListener('click', onAction);
  $('#sidebar').addEventListener('change', onAction);
}

window.addEventListener('beforeunload', () => { /* a reload resumes: the server keeps us during the grace period */ });

initPrejoin();
initControls();
