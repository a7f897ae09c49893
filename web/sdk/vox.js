// vox.js — browser SDK for the vox realtime protocol (docs/PROTOCOL.md).
// An ES module with no dependencies and no build step:
//
//   import { VoxRoom } from '/sdk/vox.js';
//   const room = new VoxRoom({ token });
//   room.on('participantJoined', (p) => ...);
//   room.on('trackAdded', (participantId, stream, info) => ...);
//   await room.connect({ name: 'Alice', media: { audio: true, video: true } });
//
// One WebSocket per participant carries requests (each with an `id`, answered by the same
// `id` or by an `error`) and server events. In rooms with media_mode "p2p" the SDK keeps one
// RTCPeerConnection per remote participant (full mesh, MDN "perfect negotiation").

/**
 * @typedef {Object} MediaState
 * @property {boolean} audio
 * @property {boolean} video
 * @property {boolean} screen_share
 * @property {boolean} self_mute
 * @property {boolean} self_deaf
 * @property {boolean} server_mute
 * @property {boolean} server_deaf
 * @property {boolean} hand_raised
 * @property {boolean} speaking
 * @property {number} volume  0–200 (percent)
 */

/**
 * @typedef {'host'|'co_host'|'moderator'|'participant'|'viewer'|'speaker'|'audience'} Role
 * @typedef {'invited'|'waiting'|'joining'|'connected'|'reconnecting'|'left'|'removed'|'denied'} ParticipantStatus
 */

/**
 * @typedef {Object} Participant
 * @property {string} id
 * @property {string} room_id
 * @property {string} session_id
 * @property {string} identity
 * @property {string} name
 * @property {'user'|'agent'|'recorder'} kind
 * @property {Role} role
 * @property {ParticipantStatus} status
 * @property {string[]} [permissions]
 * @property {MediaState} media
 * @property {string} [quality]  excellent | good | poor | lost
 * @property {boolean} [recording_consent]
 * @property {string|null} [device]
 * @property {string|null} [browser]
 * @property {Object} [metadata]
 * @property {string} [joined_at]
 */

/**
 * @typedef {Object} Room
 * @property {string} id
 * @property {string} name
 * @property {'voice'|'video'|'screen_share'|'broadcast'|'stage'} type
 * @property {'sfu'|'p2p'} media_mode
 * @property {boolean} waiting_room
 * @property {boolean} screen_share_allowed
 * @property {boolean} recording_allowed
 * @property {number} participant_limit
 * @property {Object} [metadata]
 */

/**
 * @typedef {Object} Session
 * @property {string} id
 * @property {string} room_id
 * @property {'scheduled'|'ready'|'active'|'paused'|'completed'|'failed'|'cancelled'} state
 * @property {string|null} started_at
 * @property {number} participant_count
 */

/**
 * @typedef {Object} StageRequest
 * @property {string} id
 * @property {string} participant_id
 * @property {string} identity
 * @property {'pending'|'approved'|'denied'|'expired'|'cancelled'} state
 */

/**
 * @typedef {'connecting'|'connected'|'reconnecting'|'disconnected'} ConnectionState
 */

/**
 * The state `connect()` resolves with.
 * @typedef {Object} JoinState
 * @property {'joined'|'waiting'} status
 * @property {Room|null} room
 * @property {Session|null} session
 * @property {Participant} participant
 * @property {Participant[]} participants
 */

/**
 * Events (name → listener arguments):
 * @typedef {Object} VoxEvents
 * @property {(p: Participant) => void} participantJoined
 * @property {(id: string, reason: string, p: Participant|undefined) => void} participantLeft
 * @property {(p: Participant, changes: string[]) => void} participantUpdated
 * @property {(e: {participant: Participant, from: Role, to: Role}) => void} roleChanged
 * @property {(room: Room) => void} roomUpdated
 * @property {(session: Session) => void} sessionUpdated
 * @property {(e: {event: 'created'|'approved'|'denied'|'expired'|'cancelled', request: StageRequest}) => void} stageRequest
 * @property {(p: Participant) => void} waiting  you are in the waiting room
 * @property {(p: Participant) => void} participantWaiting  someone waits to be admitted (hosts only)
 * @property {(p: Participant) => void} waitingUpdated  someone left the waiting room (admitted, denied, gone)
 * @property {(p: Participant) => void} admitted
 * @property {(p: Participant) => void} denied
 * @property {(reason: string) => void} removed
 * @property {(from: string, signal: Object) => void} signal  application signals (kind "message")
 * @property {(state: ConnectionState, prev: ConnectionState) => void} connectionStateChanged
 * @property {(participantId: string, stream: MediaStream, info: {source: 'camera'|'screen', track: MediaStreamTrack}) => void} trackAdded
 * @property {(participantId: string, stream: MediaStream, info: {source: 'camera'|'screen', track: MediaStreamTrack|null}) => void} trackRemoved
 * @property {(source: 'microphone'|'camera'|'screen', track: MediaStreamTrack|null, stream: MediaStream|null) => void} localTrack
 * @property {(level: number, speaking: boolean) => void} localAudioLevel
 * @property {(err: VoxError) => void} error
 * @property {(reason: string) => void} disconnected
 */

const REQUEST_TIMEOUT_MS = 10000;
const RECONNECT_WINDOW_MS = 60000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 5000];
const PRESENT = new Set(['connected', 'reconnecting', 'joining']);

/** An error answered by the server (`code`, `field`) or raised by the SDK. */
export class VoxError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {string|null} [field]
   */
  constructor(code, message, field = null) {
    super(message || code);
    this.name = 'VoxError';
    this.code = code;
    this.field = field ?? null;
  }
}

/** Default signaling URL for the current page: ws(s)://host/v1/rtc */
export function defaultUrl() {
  if (typeof location === 'undefined') return 'ws://127.0.0.1/v1/rtc';
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/v1/rtc';
}

function browserInfo() {
  const nav = typeof navigator !== 'undefined' ? navigator : null;
  if (!nav) return { device: 'unknown', browser: 'unknown' };
  const ua = nav.userAgent || '';
  const mobile = nav.userAgentData ? nav.userAgentData.mobile : /Mobi|Android|iPhone|iPad/i.test(ua);
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Android/.test(ua) ? 'Android'
    : /iPhone|iPad/.test(ua) ? 'iOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : 'unknown';
  let browser = 'unknown';
  const m = ua.match(/(Edg|OPR|Firefox|HeadlessChrome|Chrome|Version)\/(\d+)/);
  if (m) {
    const names = { Edg: 'Edge', OPR: 'Opera', Version: 'Safari', HeadlessChrome: 'Chrome (headless)' };
    browser = (names[m[1]] || m[1]) + ' ' + m[2];
  }
  return { device: `${mobile ? 'mobile' : 'desktop'} (${os})`.slice(0, 256), browser: browser.slice(0, 256) };
}

function randomId() {
  if (typeof crypto !== 'undefined' && crypto.randomUUID) return crypto.randomUUID();
  return Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/**
 * A connection to one vox room.
 */
export class VoxRoom {
  /**
   * @param {{url?: string, token: string, iceServers?: RTCIceServer[], speakingThreshold?: number, debug?: boolean}} opts
   */
  constructor(opts) {
    if (!opts || !opts.token) throw new VoxError('invalid_argument', 'a token is required', 'token');
    this.token = opts.token;
    let url = opts.url || defaultUrl();
    if (!/[?&]access_token=/.test(url)) url += (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(this.token);
    this.url = url;
    this._iceServersOpt = opts.iceServers || null;
    this.iceServers = opts.iceServers || [];
    this.debug = !!opts.debug;
    this.speakingThreshold = opts.speakingThreshold ?? 0.02;

    /** @type {Map<string, Participant>} remote participants by id */
    this.participants = new Map();
    /** @type {Participant|null} */
    this.localParticipant = null;
    /** @type {Room|null} */
    this.room = null;
    /** @type {Session|null} */
    this.session = null;
    /** @type {Map<string, Participant>} people in the waiting room (hosts and co-hosts are told), by id */
    this.waitingParticipants = new Map();
    /** @type {Map<string, StageRequest>} stage requests seen in this session, by id */
    this.stageRequests = new Map();
    /** @type {Map<string, RTCPeerConnection>} p2p connections by remote participant id */
    this.peerConnections = new Map();
    /** @type {ConnectionState} */
    this.connectionState = 'disconnected';
    /** @type {'idle'|'waiting'|'joined'|'left'|'removed'|'denied'} */
    this.status = 'idle';
    /** Local media: the camera stream carries microphone + camera, the screen stream the screen. */
    this.localStreams = { camera: new MediaStream(), screen: new MediaStream() };
    /** @type {{microphone: MediaStreamTrack|null, camera: MediaStreamTrack|null, screen: MediaStreamTrack|null}} */
    this.localTracks = { microphone: null, camera: null, screen: null };
    /** Remote streams by participant id: { camera?: MediaStream, screen?: MediaStream } */
    this.remoteStreams = new Map();
    /** @type {Map<string, Track>} tracks published in the room (sfu rooms), by id */
    this.tracks = new Map();
    /** @type {{participant_id: string, track_id: string, level: number}[]} loudest first */
    this.activeSpeakers = [];
    /** @type {Map<string, {quality: string, loss: number, rtt_ms: number, jitter_ms: number}>} connection quality voxd measured, by participant id (sfu rooms) */
    this.quality = new Map();
    this._sfu = null;

    this._listeners = new Map();
    this._pending = new Map();
    this._seq = 0;
    this._ws = null;
    this._joinOpts = {};
    this._closing = false;
    this._reconnectTimer = null;
    this._peers = new Map(); // id → peer record (pc + negotiation state)
    this._speaking = false;
    this._audio = null;
    this._qualityTimer = null;
    this._lastQuality = null;
    this._everJoined = false;
  }

  // ---- events --------------------------------------------------------------------------

  /** @template {keyof VoxEvents} K @param {K} name @param {VoxEvents[K]} fn */
  on(name, fn) {
    if (!this._listeners.has(name)) this._listeners.set(name, new Set());
    this._listeners.get(name).add(fn);
    return this;
  }

  /** @template {keyof VoxEvents} K @param {K} name @param {VoxEvents[K]} fn */
  off(name, fn) {
    const s = this._listeners.get(name);
    if (s) s.delete(fn);
    return this;
  }

  /** @template {keyof VoxEvents} K @param {K} name @param {VoxEvents[K]} fn */
  once(name, fn) {
    const w = (...a) => { this.off(name, w); fn(...a); };
    return this.on(name, w);
  }

  _emit(name, ...args) {
    const s = this._listeners.get(name);
    if (!s) return;
    for (const fn of [...s]) {
      try { fn(...args); } catch (e) { console.error(`vox: ${name} listener threw`, e); }
    }
  }

  _log(...a) { if (this.debug) console.debug('[vox]', ...a); }

  _setConnectionState(s) {
    if (s === this.connectionState) return;
    const prev = this.connectionState;
    this.connectionState = s;
    this._emit('connectionStateChanged', s, prev);
  }

  // ---- socket and requests ---------------------------------------------------------------

  /**
   * Open the socket and join. Resolves with the `joined` state, or a `waiting` state in a
   * waiting room (then the `admitted` event follows, and the room state arrives).
   * @param {{name?: string, email?: string, device?: string, browser?: string, recording_consent?: boolean, metadata?: Object, password?: string, media?: {audio?: boolean, video?: boolean, screen_share?: boolean, hand_raised?: boolean}}} [opts]
   *   `media.audio` / `media.video` also turn the microphone / camera on (getUserMedia) before joining.
   * @returns {Promise<JoinState>}
   */
  async connect(opts = {}) {
    if (this._ws) throw new VoxError('already_connected', 'connect() was already called');
    this._closing = false;
    const info = browserInfo();
    const join = { device: info.device, browser: info.browser };
    for (const k of ['name', 'email', 'device', 'browser', 'recording_consent', 'metadata', 'password']) {
      if (opts[k] !== undefined) join[k] = opts[k];
    }
    const media = opts.media ? { ...opts.media } : null;
    // Capture first so that the state we announce is the state we have.
    if (media && media.audio) {
      try { await this._startMic(); } catch (e) { media.audio = false; this._emit('error', this._mediaError(e, 'microphone')); }
    }
    if (media && media.video) {
      try { await this._startCamera(); } catch (e) { media.video = false; this._emit('error', this._mediaError(e, 'camera')); }
    }
    if (media) {
      delete media.screen_share; // screen capture needs a gesture; use setScreenShare()
      join.media = media;
    }
    this._joinOpts = join;
    this._setConnectionState('connecting');
    try {
      await this._open();
      return await this._sendJoin();
    } catch (e) {
      this._teardownSocket();
      this._setConnectionState('disconnected');
      throw e;
    }
  }

  _open() {
    return new Promise((resolve, reject) => {
      let ws;
      try { ws = new WebSocket(this.url); } catch (e) { reject(new VoxError('connection_failed', String(e))); return; }
      this._ws = ws;
      let opened = false;
      ws.onopen = () => { opened = true; resolve(); };
      ws.onmessage = (ev) => this._onMessage(ev.data);
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        if (this._ws !== ws) return;
        if (!opened) {
          this._ws = null;
          reject(new VoxError('connection_failed', 'could not connect to ' + this.url.replace(/access_token=[^&]*/, 'access_token=…') + ' (refused or unauthorized)'));
          return;
        }
        this._onClose(ev);
      };
    });
  }

  async _sendJoin() {
    if (this._everJoined) {
      // A rejoin announces what we are actually sending now.
      const m = this.localParticipant && this.localParticipant.media || {};
      this._joinOpts.media = { audio: !!this.localTracks.microphone, video: !!this.localTracks.camera,
        screen_share: !!this.localTracks.screen, hand_raised: !!m.hand_raised };
    }
    let msg;
    try {
      msg = await this.request('join', this._joinOpts);
    } catch (e) {
      // Not allowed to publish (a viewer, the audience): join without media instead.
      if (e.code === 'forbidden' && this._joinOpts.media && (!e.field || /media|audio|video|screen/.test(e.field))) {
        for (const k of ['microphone', 'camera', 'screen']) this._stopLocal(k);
        delete this._joinOpts.media;
        msg = await this.request('join', this._joinOpts);
      } else throw e;
    }
    if (msg.type === 'waiting') {
      this.status = 'waiting';
      this.localParticipant = msg.participant || this.localParticipant;
      this._setConnectionState('connected');
      this._emit('waiting', this.localParticipant);
      return { status: 'waiting', room: this.room, session: this.session, participant: this.localParticipant, participants: [] };
    }
    this._applyState(msg);
    this._setConnectionState('connected');
    return { status: 'joined', room: this.room, session: this.session, participant: this.localParticipant, participants: [...this.participants.values()] };
  }

  /**
   * Send one request and wait for its answer (the message with the same id) or error.
   * @param {string} type
   * @param {Object} [fields]
   * @param {{timeout?: number}} [o]
   * @returns {Promise<Object>} the answer message
   */
  request(type, fields = {}, o = {}) {
    const ws = this._ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new VoxError('not_connected', `cannot send ${type}: not connected`));
    }
    const id = String(++this._seq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new VoxError('timeout', `no answer to ${type} within ${(o.timeout || REQUEST_TIMEOUT_MS) / 1000} s`));
      }, o.timeout || REQUEST_TIMEOUT_MS);
      this._pending.set(id, { resolve, reject, timer, type });
      try {
        ws.send(JSON.stringify({ ...fields, type, id }));
      } catch (e) {
        clearTimeout(timer);
        this._pending.delete(id);
        reject(new VoxError('not_connected', String(e)));
      }
    });
  }

  /** Send a message that has no answer (report). */
  _fire(type, fields = {}) {
    const ws = this._ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.status !== 'joined') return false;
    ws.send(JSON.stringify({ ...fields, type, id: 'f' + (++this._seq) }));
    return true;
  }

  _onMessage(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { this._log('bad frame', data); return; }
    this._log('<-', msg.type, msg);
    if (msg.id != null && this._pending.has(String(msg.id))) {
      const p = this._pending.get(String(msg.id));
      this._pending.delete(String(msg.id));
      clearTimeout(p.timer);
      if (msg.type === 'error') {
        const e = msg.error || {};
        p.reject(new VoxError(e.code || 'error', e.message || 'request failed', e.field));
      } else {
        p.resolve(msg);
      }
      return;
    }
    try { this._handleEvent(msg); } catch (e) { console.error('vox: handling', msg.type, e); }
  }

  _handleEvent(msg) {
    switch (msg.type) {
      case 'joined':
      case 'room_state': {
        this._applyState(msg);
        break;
      }
      case 'participant_waiting': {
        const p = msg.participant;
        if (!p) break;
        this.waitingParticipants.set(p.id, p);
        this._emit('participantWaiting', p);
        break;
      }
      case 'room_deleted':
        this.status = 'left';
        this._closing = true;
        this._emit('error', new VoxError('room_deleted', 'the room was deleted'));
        this._cleanup('room_deleted');
        break;
      case 'participant_joined': {
        const p = msg.participant;
        if (!p) break;
        this._unwait(p.id);
        if (this.localParticipant && p.id === this.localParticipant.id) { this._setLocal(p); break; }
        const known = this.participants.has(p.id);
        this.participants.set(p.id, p);
        if (known) this._emit('participantUpdated', p, []); else this._emit('participantJoined', p);
        this._syncPeer(p);
        break;
      }
      case 'participant_left': {
        const id = msg.participant_id || (msg.participant && msg.participant.id);
        if (this._unwait(id) && !this.participants.has(id)) break;
        const p = this.participants.get(id);
        this.participants.delete(id);
        this._closePeer(id);
        this._dropRemoteStreams(id);
        for (const [rid, r] of this.stageRequests) if (r.participant_id === id && r.state === 'pending') this.stageRequests.delete(rid);
        this._emit('participantLeft', id, msg.reason || 'left', p);
        break;
      }
      case 'participant_updated': {
        const p = msg.participant;
        if (!p) break;
        if (this.localParticipant && p.id === this.localParticipant.id) {
          this._setLocal(p);
          this._emit('participantUpdated', p, msg.changes || []);
          break;
        }
        if (p.status === 'waiting') {
          this.waitingParticipants.set(p.id, p);
          this._emit('waitingUpdated', p);
          break;
        }
        this._unwait(p.id);
        if (!PRESENT.has(p.status) && !this.participants.has(p.id)) break;
        const known = this.participants.has(p.id);
        this.participants.set(p.id, p);
        if (!known && PRESENT.has(p.status)) this._emit('participantJoined', p);
        else this._emit('participantUpdated', p, msg.changes || []);
        this._syncPeer(p);
        break;
      }
      case 'role_changed': {
        if (msg.participant) this._setLocal(msg.participant);
        this._emit('roleChanged', { participant: this.localParticipant, from: msg.from, to: msg.to });
        break;
      }
      case 'room_updated':
        this.room = msg.room || this.room;
        this._emit('roomUpdated', this.room);
        break;
      case 'session_updated':
        this.session = msg.session || this.session;
        this._emit('sessionUpdated', this.session);
        break;
      case 'waiting':
        this.status = 'waiting';
        if (msg.participant) this.localParticipant = msg.participant;
        this._emit('waiting', this.localParticipant);
        break;
      case 'admitted':
        if (msg.participant) this.localParticipant = msg.participant;
        if (this.status === 'waiting') { this._admittedSeen = true; this._emit('admitted', this.localParticipant); }
        break;
      case 'denied':
        this.status = 'denied';
        if (msg.participant) this.localParticipant = msg.participant;
        this._closing = true;
        this._emit('denied', this.localParticipant);
        this._cleanup('denied');
        break;
      case 'removed':
        this.status = 'removed';
        this._closing = true;
        this._emit('removed', msg.reason || 'removed');
        this._cleanup('removed');
        break;
      case 'signal':
        this._onSignal(msg.from, msg.signal || {});
        break;
      case 'subscribe_offer':
        this._sfuQueue(() => this._sfuOnOffer(msg));
        break;
      case 'track_published':
      case 'track_updated':
        if (msg.track) {
          this.tracks.set(msg.track.id, msg.track);
          this._emit(msg.type === 'track_published' ? 'trackPublished' : 'trackUpdated', msg.track);
        }
        break;
      case 'track_unpublished':
        if (msg.track) {
          this.tracks.delete(msg.track.id);
          this._sfuDropTrack(msg.track.id);
          this._emit('trackUnpublished', msg.track);
        }
        break;
      case 'quality':
        this.quality.set(msg.participant_id, { quality: msg.quality, loss: msg.loss, rtt_ms: msg.rtt_ms, jitter_ms: msg.jitter_ms });
        this._emit('quality', msg.participant_id, msg.quality, msg);
        break;
      case 'audience_count':
        this.audienceCount = msg.count;
        this._emit('audienceCount', msg.count);
        break;
      case 'active_speakers':
        this.activeSpeakers = msg.speakers || [];
        this._emit('activeSpeakers', this.activeSpeakers);
        break;
      case 'media_state':
        this._emit('mediaState', { peer: msg.peer, state: msg.state, reason: msg.reason || null });
        if (msg.state !== 'connected' && this.status === 'joined' && this._sfu) this._sfuRestart();
        break;
      case 'pong':
        break;
      case 'error': {
        const e = msg.error || {};
        this._emit('error', new VoxError(e.code || 'error', e.message || 'error', e.field));
        break;
      }
      default:
        if (typeof msg.type === 'string' && msg.type.startsWith('stage_request_')) {
          const event = msg.type.slice('stage_request_'.length);
          const r = msg.request;
          if (r) this.stageRequests.set(r.id, r);
          this._emit('stageRequest', { event, request: r });
        } else {
          this._log('unhandled', msg);
        }
    }
  }

  /** Drops id from the waiting room list. @returns {boolean} whether it was there */
  _unwait(id) {
    const p = this.waitingParticipants.get(id);
    if (!p) return false;
    this.waitingParticipants.delete(id);
    this._emit('waitingUpdated', p);
    return true;
  }

  /** Apply a `joined`-shaped state (join answer, room_state after admission, rejoin). */
  _applyState(msg) {
    const wasWaiting = this.status === 'waiting';
    this.status = 'joined';
    this._everJoined = true;
    if (msg.room) this.room = msg.room;
    if (msg.session) this.session = msg.session;
    if (!this._iceServersOpt && Array.isArray(msg.ice_servers)) this.iceServers = msg.ice_servers;
    if (msg.participant) this._setLocal(msg.participant, true);
    const fresh = new Map();
    for (const p of msg.participants || []) if (!this.localParticipant || p.id !== this.localParticipant.id) fresh.set(p.id, p);
    // Reconcile with what we knew (a rejoin after a reconnect keeps tiles stable).
    for (const [id, p] of this.participants) {
      if (!fresh.has(id)) {
        this.participants.delete(id);
        this._closePeer(id);
        this._dropRemoteStreams(id);
        this._emit('participantLeft', id, 'left', p);
      }
    }
    for (const [id, p] of fresh) {
      const known = this.participants.has(id);
      this.participants.set(id, p);
      if (known) this._emit('participantUpdated', p, []); else this._emit('participantJoined', p);
    }
    if (wasWaiting && !this._admittedSeen) this._emit('admitted', this.localParticipant);
    this._admittedSeen = false;
    for (const p of this.participants.values()) this._syncPeer(p);
    // After a reconnect, connections that broke while we were away get an ICE restart.
    for (const [, peer] of this._peers) {
      const st = peer.pc.connectionState;
      if (st === 'failed' || st === 'disconnected') this._restartIce(peer);
    }
    this._startQualityMonitor();
    if (this.localTracks.microphone) this._startSpeakingDetector(this.localTracks.microphone);
    this.tracks = new Map((msg.tracks || []).map((t) => [t.id, t]));
    /** How many audience members (stage audience, viewers) are present; they are not listed to each other. */
    this.audienceCount = msg.audience_count || 0;
    if (this._isSfu()) this._sfuStart();
  }

  _setLocal(p, sync = false) {
    const prev = this.localParticipant;
    this.localParticipant = p;
    // Follow changes others made to our media (a host turning our mic off, a server mute,
    // a role that may no longer publish).
    const m = p.media || {};
    const pm = prev && prev.media || {};
    for (const [source, key] of [['microphone', 'audio'], ['camera', 'video'], ['screen', 'screen_share']]) {
      if (this.localTracks[source] && m[key] === false && (sync || pm[key] === true)) this._stopLocal(source);
    }
    if (this.localTracks.microphone) this.localTracks.microphone.enabled = !(m.server_mute || m.self_mute);
    this._applyDeafen();
  }

  _onClose(ev) {
    const code = ev.code;
    this._log('socket closed', code, ev.reason);
    this._ws = null;
    for (const [, p] of this._pending) { clearTimeout(p.timer); p.reject(new VoxError('not_connected', 'connection closed')); }
    this._pending.clear();
    // 1000 we left (or were made to leave through the API), 4001 token expired, 4003 removed/denied, 4004 room deleted, 4009 replaced by a newer
    // socket of the same participant (another tab: reconnecting would fight it).
    const fatal = [1000, 4001, 4003, 4004, 4009].includes(code);
    if (this._closing || fatal || !this._everJoined && this.status !== 'waiting') {
      const reason = { 4001: 'token_expired', 4003: this.status === 'denied' ? 'denied' : 'removed', 4004: 'room_deleted', 4008: 'rate_limited', 4009: 'replaced' }[code]
        || (this.status === 'removed' ? 'removed' : 'left');
      if (code === 4001) this._emit('error', new VoxError('token_expired', 'the access token expired'));
      if (code === 4009) this._emit('error', new VoxError('replaced', 'this participant connected from another tab or device'));
      this._cleanup(reason);
      return;
    }
    this._reconnect();
  }

  _reconnect() {
    this._setConnectionState('reconnecting');
    const started = Date.now();
    let attempt = 0;
    const tryOnce = async () => {
      this._reconnectTimer = null;
      if (this._closing) return;
      try {
        await this._open();
        await this._sendJoin();
        this._log('reconnected after', attempt, attempt === 1 ? 'attempt' : 'attempts');
        return;
      } catch (e) {
        this._log('reconnect attempt failed', e);
        if (this._ws) { const w = this._ws; this._ws = null; try { w.close(); } catch {} }
        // The server answered but refused the join: retrying will not help.
        if (e instanceof VoxError && !['connection_failed', 'not_connected', 'timeout'].includes(e.code)) {
          this._emit('error', e);
          this._cleanup('rejoin_failed');
          return;
        }
      }
      if (this._closing) return;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
      attempt++;
      if (Date.now() - started + delay > RECONNECT_WINDOW_MS) {
        this._emit('error', new VoxError('connection_lost', 'could not reconnect within 60 s'));
        this._cleanup('connection_lost');
        return;
      }
      this._reconnectTimer = setTimeout(tryOnce, delay);
    };
    this._reconnectTimer = setTimeout(tryOnce, BACKOFF_MS[0]);
    attempt = 1;
  }

  _teardownSocket() {
    if (this._ws) {
      const w = this._ws;
      this._ws = null;
      try { w.close(1000); } catch {}
    }
  }

  _cleanup(reason) {
    this._closing = true;
    if (this._reconnectTimer) { clearTimeout(this._reconnectTimer); this._reconnectTimer = null; }
    this._teardownSocket();
    for (const id of [...this._peers.keys()]) this._closePeer(id);
    this._sfuStop();
    clearTimeout(this._sfuRestartTimer);
    for (const id of [...this.remoteStreams.keys()]) this._dropRemoteStreams(id);
    this.waitingParticipants.clear();
    for (const k of ['microphone', 'camera', 'screen']) this._stopLocal(k, true);
    this._stopSpeakingDetector();
    if (this._qualityTimer) { clearInterval(this._qualityTimer); this._qualityTimer = null; }
    if (this.status === 'joined' || this.status === 'waiting' || this.status === 'idle') this.status = 'left';
    const was = this.connectionState;
    this._setConnectionState('disconnected');
    if (was !== 'disconnected') this._emit('disconnected', reason);
  }

  /** Leave the room and close everything. Stops any reconnecting. */
  async leave() {
    if (this._closing && !this._ws) return;
    this._closing = true;
    if (this._reconnectTimer) { clearTimeout(this._reconnectTimer); this._reconnectTimer = null; }
    try {
      if (this._ws && this._ws.readyState === WebSocket.OPEN) await this.request('leave', {}, { timeout: 3000 });
    } catch (e) { this._log('leave', e); }
    this.status = 'left';
    this._cleanup('left');
  }

  /** Round-trip check. @returns {Promise<number>} milliseconds */
  async ping() {
    const t = performance.now();
    await this.request('ping');
    return performance.now() - t;
  }

  // ---- local media -------------------------------------------------------------------------

  _mediaError(e, what) {
    if (e instanceof VoxError) return e;
    const name = e && e.name;
    const code = name === 'NotAllowedError' ? 'permission_denied' : name === 'NotFoundError' ? 'device_not_found' : 'media_error';
    return new VoxError(code, `${what}: ${e && e.message || e}`);
  }

  async _startMic() {
    if (this.localTracks.microphone) return this.localTracks.microphone;
    const s = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    const track = s.getAudioTracks()[0];
    this._setLocalTrack('microphone', track);
    const m = this.localParticipant && this.localParticipant.media;
    if (m && (m.self_mute || m.server_mute)) track.enabled = false;
    if (this.status === 'joined') this._startSpeakingDetector(track);
    return track;
  }

  async _startCamera() {
    if (this.localTracks.camera) return this.localTracks.camera;
    const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } });
    const track = s.getVideoTracks()[0];
    this._setLocalTrack('camera', track);
    return track;
  }

  async _startScreen() {
    if (this.localTracks.screen) return this.localTracks.screen;
    const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = s.getVideoTracks()[0];
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" button.
    track.addEventListener('ended', () => { if (this.localTracks.screen === track) this.setScreenShare(false).catch(() => {}); });
    this._setLocalTrack('screen', track);
    return track;
  }

  _streamFor(source) { return source === 'screen' ? this.localStreams.screen : this.localStreams.camera; }

  _setLocalTrack(source, track) {
    const stream = this._streamFor(source);
    this.localTracks[source] = track;
    stream.addTrack(track);
    for (const peer of this._peers.values()) this._attachTrack(peer, source, track);
    if (this._sfu) this._sfuAttach(source, track);
    this._emit('localTrack', source, track, stream);
  }

  _stopLocal(source, silent = false) {
    const track = this.localTracks[source];
    if (!track) return;
    this.localTracks[source] = null;
    try { track.stop(); } catch {}
    this._streamFor(source).removeTrack(track);
    for (const peer of this._peers.values()) {
      const sender = peer.senders[source];
      if (sender && peer.pc.signalingState !== 'closed') sender.replaceTrack(null).catch(() => {});
    }
    if (this._sfu) this._sfuDetach(source);
    if (source === 'microphone') this._stopSpeakingDetector();
    if (!silent) this._emit('localTrack', source, null, this._streamFor(source));
  }

  async _updateState(fields) {
    const msg = await this.request('update_state', fields);
    if (msg.participant) this._setLocal(msg.participant);
    return this.localParticipant;
  }

  /** Turn the microphone on (getUserMedia, then update_state {audio}) or off. */
  async setMicrophone(on) {
    if (on) {
      const had = !!this.localTracks.microphone;
      try { await this._startMic(); } catch (e) { throw this._mediaError(e, 'microphone'); }
      try { return await this._updateState({ audio: true }); } catch (e) { if (!had) this._stopLocal('microphone'); throw e; }
    }
    this._stopLocal('microphone');
    if (this.status !== 'joined') return this.localParticipant;
    return this._updateState({ audio: false });
  }

  /** Turn the camera on or off. */
  async setCamera(on) {
    if (on) {
      const had = !!this.localTracks.camera;
      try { await this._startCamera(); } catch (e) { throw this._mediaError(e, 'camera'); }
      try { return await this._updateState({ video: true }); } catch (e) { if (!had) this._stopLocal('camera'); throw e; }
    }
    this._stopLocal('camera');
    if (this.status !== 'joined') return this.localParticipant;
    return this._updateState({ video: false });
  }

  /** Start or stop sharing the screen (getDisplayMedia). */
  async setScreenShare(on) {
    if (on) {
      const had = !!this.localTracks.screen;
      try { await this._startScreen(); } catch (e) { throw this._mediaError(e, 'screen share'); }
      try { return await this._updateState({ screen_share: true }); } catch (e) { if (!had) this._stopLocal('screen'); throw e; }
    }
    this._stopLocal('screen');
    if (this.status !== 'joined') return this.localParticipant;
    return this._updateState({ screen_share: false });
  }

  /** Self mute: the microphone stays open but sends silence. */
  async setMuted(muted) {
    if (this.localTracks.microphone) this.localTracks.microphone.enabled = !muted && !this.localParticipant?.media?.server_mute;
    try { return await this._updateState({ self_mute: !!muted }); }
    catch (e) { if (this.localTracks.microphone) this.localTracks.microphone.enabled = !!muted; throw e; }
  }

  /** Self deafen: remote audio tracks are disabled locally. */
  async setDeafened(deaf) {
    const p = await this._updateState({ self_deaf: !!deaf });
    this._applyDeafen();
    return p;
  }

  _applyDeafen() {
    const m = this.localParticipant && this.localParticipant.media;
    const deaf = !!(m && (m.self_deaf || m.server_deaf));
    for (const streams of this.remoteStreams.values()) {
      for (const s of Object.values(streams)) for (const t of s.getAudioTracks()) t.enabled = !deaf;
    }
  }

  /** @returns {boolean} whether remote audio should be silent (self or server deafened) */
  get deafened() {
    const m = this.localParticipant && this.localParticipant.media;
    return !!(m && (m.self_deaf || m.server_deaf));
  }

  /** Raise or lower your hand. */
  raiseHand(up = true) { return this._updateState({ hand_raised: !!up }); }
  /** Your volume setting, 0–200 (percent). */
  setVolume(volume) { return this._updateState({ volume: Math.round(volume) }); }
  /** Change your display name. */
  setName(name) { return this._updateState({ name }); }
  /** Replace your metadata object. */
  setMetadata(metadata) { return this._updateState({ metadata }); }

  // ---- moderation ----------------------------------------------------------------------------

  /** Server-mute another participant (needs mute_members). */
  mute(participantId) { return this.request('mute', { participant_id: participantId }); }
  unmute(participantId) { return this.request('unmute', { participant_id: participantId }); }
  deafen(participantId) { return this.request('deafen', { participant_id: participantId }); }
  undeafen(participantId) { return this.request('undeafen', { participant_id: participantId }); }
  /** @param {string} participantId @param {string} [reason] */
  remove(participantId, reason) { return this.request('remove', reason ? { participant_id: participantId, reason } : { participant_id: participantId }); }
  /** Admit a participant from the waiting room. */
  admit(participantId) { return this.request('admit', { participant_id: participantId }).then((m) => { this._unwait(participantId); return m; }); }
  /** Deny a participant in the waiting room. */
  deny(participantId) { return this.request('deny', { participant_id: participantId }).then((m) => { this._unwait(participantId); return m; }); }
  /** @param {string} participantId @param {Role} role */
  setRole(participantId, role) { return this.request('set_role', { participant_id: participantId, role }); }
  move(participantId, roomId) { return this.request('move', { participant_id: participantId, room_id: roomId }); }

  // ---- stage ------------------------------------------------------------------------------------

  _stageAnswer(p) {
    return p.then((msg) => { if (msg.request) this.stageRequests.set(msg.request.id, msg.request); return msg.request || msg; });
  }
  /** Ask to speak on a stage. @returns {Promise<StageRequest>} */
  requestToSpeak() { return this._stageAnswer(this.request('stage_request')); }
  /** Cancel a request (yours, by id; without id, your pending one). */
  cancelRequest(requestId) {
    if (!requestId) requestId = this.myPendingRequest()?.id;
    if (!requestId) return Promise.reject(new VoxError('not_found', 'no pending request to cancel'));
    return this._stageAnswer(this.request('stage_cancel', { request_id: requestId }));
  }
  /** Approve a request to speak (moderators). */
  approve(requestId) { return this._stageAnswer(this.request('stage_approve', { request_id: requestId })); }
  /** Deny a request to speak (moderators). */
  denyRequest(requestId) { return this._stageAnswer(this.request('stage_deny', { request_id: requestId })); }
  /** Move a speaker back to the audience. */
  demote(participantId) { return this.request('stage_demote', { participant_id: participantId }); }
  /** @returns {StageRequest[]} pending requests, oldest first */
  pendingRequests() { return [...this.stageRequests.values()].filter((r) => r.state === 'pending'); }
  /** @returns {StageRequest|undefined} */
  myPendingRequest() {
    const me = this.localParticipant && this.localParticipant.id;
    return this.pendingRequests().find((r) => r.participant_id === me);
  }

  // ---- reports -------------------------------------------------------------------------------

  /** Report speaking / connection quality (broadcast to the room, no answer). */
  report(fields) {
    const out = {};
    if (fields.speaking !== undefined) out.speaking = !!fields.speaking;
    if (fields.quality !== undefined) out.quality = fields.quality;
    return this._fire('report', out);
  }

  _startSpeakingDetector(track) {
    this._stopSpeakingDetector();
    const AC = typeof AudioContext !== 'undefined' ? AudioContext : (typeof webkitAudioContext !== 'undefined' ? webkitAudioContext : null);
    if (!AC || !track) return;
    let ctx;
    try { ctx = new AC(); } catch { return; }
    const src = ctx.createMediaStreamSource(new MediaStream([track]));
    const an = ctx.createAnalyser();
    an.fftSize = 512;
    src.connect(an);
    const buf = new Float32Array(an.fftSize);
    let above = 0, below = 0;
    const timer = setInterval(() => {
      if (ctx.state === 'suspended') ctx.resume().catch(() => {});
      an.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
      const rms = Math.sqrt(sum / buf.length);
      const m = this.localParticipant && this.localParticipant.media;
      const live = track.enabled && track.readyState === 'live' && !(m && (m.self_mute || m.server_mute));
      const loud = live && rms > this.speakingThreshold;
      if (loud) { above++; below = 0; } else { below++; above = 0; }
      // 200 ms above the threshold starts speaking, 800 ms below ends it.
      if (!this._speaking && above >= 2) this._setSpeaking(true);
      else if (this._speaking && below >= 8) this._setSpeaking(false);
      this._emit('localAudioLevel', live ? rms : 0, this._speaking);
    }, 100);
    this._audio = { ctx, timer };
  }

  _stopSpeakingDetector() {
    if (!this._audio) return;
    clearInterval(this._audio.timer);
    this._audio.ctx.close().catch(() => {});
    this._audio = null;
    if (this._speaking) this._setSpeaking(false);
  }

  _setSpeaking(on) {
    this._speaking = on;
    this.report({ speaking: on });
  }

  /** @returns {boolean} whether the local microphone currently detects speech */
  get speaking() { return this._speaking; }

  _startQualityMonitor() {
    if (this._qualityTimer || !this._isP2P()) return;
    this._qualityTimer = setInterval(async () => {
      if (!this._peers.size) return;
      let worst = 'excellent';
      const rank = { excellent: 0, good: 1, poor: 2, lost: 3 };
      for (const peer of this._peers.values()) {
        let q = 'excellent';
        const st = peer.pc.connectionState;
        if (st === 'failed' || st === 'disconnected') q = 'lost';
        else if (st === 'connected') {
          try {
            const stats = await peer.pc.getStats();
            let rtt = 0, lost = 0, recv = 0;
            stats.forEach((s) => {
              if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime) rtt = Math.max(rtt, s.currentRoundTripTime);
              if (s.type === 'inbound-rtp') { lost += s.packetsLost || 0; recv += s.packetsReceived || 0; }
            });
            const prev = peer.lastLoss || { lost: 0, recv: 0 };
            const dl = lost - prev.lost, dr = recv - prev.recv;
            peer.lastLoss = { lost, recv };
            const loss = dl + dr > 0 ? dl / (dl + dr) : 0;
            q = rtt > 0.5 || loss > 0.1 ? 'poor' : rtt > 0.2 || loss > 0.02 ? 'good' : 'excellent';
          } catch {}
        } else continue;
        if (rank[q] > rank[worst]) worst = q;
      }
      if (worst !== this._lastQuality) {
        this._lastQuality = worst;
        this.report({ quality: worst });
      }
    }, 5000);
  }

  // ---- p2p ------------------------------------------------------------------------------------------

  _isP2P() { return !!(this.room && this.room.media_mode === 'p2p'); }
  _isSfu() { return !!(this.room && this.room.media_mode === 'sfu'); }

  // ---- sfu rooms: one connection publishes (we offer), one receives (voxd offers) -------

  _sfuStart() {
    this._sfuStop();
    this._sfu = { pub: null, sub: null, chain: Promise.resolve(), senders: {}, mids: new Map(), published: [] };
    for (const source of ['microphone', 'camera', 'screen']) {
      const t = this.localTracks[source];
      if (t) this._sfuAttach(source, t);
    }
  }

  _sfuStop() {
    const s = this._sfu;
    if (!s) return;
    this._sfu = null;
    for (const pc of [s.pub, s.sub]) if (pc) { pc.onnegotiationneeded = pc.ontrack = null; try { pc.close(); } catch {} }
    this.peerConnections.delete('publisher');
    this.peerConnections.delete('subscriber');
    for (const id of [...this.remoteStreams.keys()]) this._dropRemoteStreams(id);
  }

  // A media connection failed or lost consent: start both over (voxd makes new peers).
  _sfuRestart() {
    clearTimeout(this._sfuRestartTimer);
    this._sfuRestartTimer = setTimeout(() => { if (this.status === 'joined' && this._isSfu()) this._sfuStart(); }, 500);
  }

  // Negotiations run one at a time, in order.
  _sfuQueue(fn) {
    const s = this._sfu;
    if (!s) return;
    s.chain = s.chain.then(fn).catch((e) => {
      this._log('sfu negotiation failed', e);
      this._emit('error', e instanceof VoxError ? e : new VoxError('media_error', String(e && e.message || e)));
    });
  }

  _sfuAttach(source, track) {
    const s = this._sfu;
    if (!s) return;
    if (!s.pub) {
      s.pub = new RTCPeerConnection({ iceServers: this.iceServers || [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      this.peerConnections.set('publisher', s.pub);
      s.pub.onnegotiationneeded = () => this._sfuQueue(() => this._sfuPublish());
    }
    const sender = s.senders[source];
    if (sender) { sender.replaceTrack(track).catch((e) => this._log('replaceTrack', e)); return; }
    const tr = s.pub.addTransceiver(track, { direction: 'sendonly', streams: [this._streamFor(source)] });
    s.senders[source] = tr.sender;
  }

  _sfuDetach(source) {
    const s = this._sfu;
    const sender = s && s.senders[source];
    if (sender && s.pub.signalingState !== 'closed') sender.replaceTrack(null).catch(() => {});
  }

  async _sfuPublish() {
    const s = this._sfu;
    if (!s || !s.pub || s.pub.signalingState === 'closed') return;
    const pc = s.pub;
    await pc.setLocalDescription(await pc.createOffer());
    const tracks = [];
    for (const tr of pc.getTransceivers()) {
      const source = Object.keys(s.senders).find((k) => s.senders[k] === tr.sender);
      if (tr.mid != null && source) tracks.push({ mid: tr.mid, source: source === 'screen' ? 'screen_share' : source });
    }
    const msg = await this.request('publish', { sdp: pc.localDescription.sdp, tracks });
    if (this._sfu !== s || pc.signalingState === 'closed') return;
    await pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp });
    s.published = msg.tracks || [];
    this._emit('published', s.published);
  }

  async _sfuOnOffer(msg) {
    const s = this._sfu;
    if (!s) return;
    if (!s.sub) {
      s.sub = new RTCPeerConnection({ iceServers: this.iceServers || [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
      this.peerConnections.set('subscriber', s.sub);
      s.sub.ontrack = (ev) => this._sfuOnTrack(ev);
    }
    for (const t of msg.tracks || []) s.mids.set(t.mid, t);
    await s.sub.setRemoteDescription({ type: 'offer', sdp: msg.sdp });
    await s.sub.setLocalDescription(await s.sub.createAnswer());
    if (this._sfu !== s) return;
    await this.request('subscribe_answer', { sdp: s.sub.localDescription.sdp, version: msg.version });
  }

  _sfuOnTrack(ev) {
    const s = this._sfu;
    const info = s && ev.transceiver && s.mids.get(ev.transceiver.mid);
    if (!info) return;
    const key = info.source === 'screen_share' ? 'screen' : 'camera';
    let streams = this.remoteStreams.get(info.participant_id);
    if (!streams) { streams = {}; this.remoteStreams.set(info.participant_id, streams); }
    if (!streams[key]) streams[key] = new MediaStream();
    const stream = streams[key];
    for (const old of stream.getTracks()) if (old.kind === ev.track.kind && old !== ev.track) stream.removeTrack(old);
    if (!stream.getTracks().includes(ev.track)) stream.addTrack(ev.track);
    if (ev.track.kind === 'audio' && this.deafened) ev.track.enabled = false;
    info.track = ev.track;
    info.stream = stream;
    this._emit('trackAdded', info.participant_id, stream, { source: key, track: ev.track, trackId: info.track_id });
  }

  _sfuDropTrack(trackId) {
    const s = this._sfu;
    if (!s) return;
    for (const [mid, info] of s.mids) {
      if (info.track_id !== trackId) continue;
      s.mids.delete(mid);
      if (info.stream && info.track) {
        info.stream.removeTrack(info.track);
        this._emit('trackRemoved', info.participant_id, info.stream, { source: info.source === 'screen_share' ? 'screen' : 'camera', track: info.track, trackId });
      }
    }
  }

  /** Make sure a present participant has a connection, and a gone one has none. */
  _syncPeer(p) {
    if (!this._isP2P() || this.status !== 'joined' || !this.localParticipant) return;
    if (PRESENT.has(p.status)) { if (!this._peers.has(p.id)) this._createPeer(p.id); }
    else if (this._peers.has(p.id)) { this._closePeer(p.id); this._dropRemoteStreams(p.id); }
  }

  _createPeer(remoteId) {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers || [] });
    const peer = {
      id: remoteId,
      pc,
      // Perfect negotiation: the participant with the larger id is polite.
      polite: this.localParticipant.id > remoteId,
      makingOffer: false,
      ignoreOffer: false,
      settingRemoteAnswer: false,
      epoch: randomId(),
      remoteEpoch: null,
      senders: { microphone: null, camera: null, screen: null },
      streamSources: {},
    };
    this._peers.set(remoteId, peer);
    this.peerConnections.set(remoteId, pc);
    // Tell the peer who we are (a fresh epoch means "I restarted, start over") and which
    // of our streams is the camera and which the screen. Signals are relayed in order, so
    // these arrive before the offer.
    this._sendSignal(remoteId, { kind: 'message', data: { vox: 'hello', epoch: peer.epoch } });
    this._sendSignal(remoteId, { kind: 'message', data: { vox: 'streams', streams: this._streamMap() } });

    // Perfect negotiation resolves glare, but a rollback in the middle of ICE gathering can
    // leave Chromium's polite side without candidates. So the first offer is the impolite
    // side's: the polite side holds its own back until it has an answer to give, or for at
    // most 1.5 s (when the impolite side has nothing to send, it never offers).
    peer.holdFirstOffer = peer.polite;
    peer.negotiate = async () => {
      if (pc.signalingState === 'closed') return;
      if (peer.holdFirstOffer) { peer.wantsOffer = true; return; }
      try {
        peer.makingOffer = true;
        await pc.setLocalDescription();
        this._sendSignal(remoteId, { kind: 'offer', sdp: pc.localDescription.sdp });
      } catch (e) {
        this._log('negotiation failed', e);
      } finally {
        peer.makingOffer = false;
      }
    };
    pc.onnegotiationneeded = () => peer.negotiate();
    if (peer.holdFirstOffer) {
      peer.holdTimer = setTimeout(() => {
        peer.holdFirstOffer = false;
        if (peer.wantsOffer && pc.signalingState === 'stable' && !pc.remoteDescription) peer.negotiate();
      }, 1500);
    }
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this._sendSignal(remoteId, { kind: 'candidate', candidate: candidate.toJSON() });
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') this._restartIce(peer);
    };
    pc.onconnectionstatechange = () => this._log('pc', remoteId, pc.connectionState);
    pc.ontrack = (ev) => this._onRemoteTrack(peer, ev);
    for (const source of ['microphone', 'camera', 'screen']) {
      const t = this.localTracks[source];
      if (t) this._attachTrack(peer, source, t);
    }
    return peer;
  }

  _attachTrack(peer, source, track) {
    if (peer.pc.signalingState === 'closed') return;
    const sender = peer.senders[source];
    if (sender) {
      sender.replaceTrack(track).catch((e) => this._log('replaceTrack', e));
    } else {
      if (source === 'screen') this._sendSignal(peer.id, { kind: 'message', data: { vox: 'streams', streams: this._streamMap() } });
      peer.senders[source] = peer.pc.addTrack(track, this._streamFor(source));
    }
  }

  _streamMap() {
    return { [this.localStreams.camera.id]: 'camera', [this.localStreams.screen.id]: 'screen' };
  }

  _restartIce(peer) {
    if (peer.pc.signalingState === 'closed') return;
    this._log('ICE restart with', peer.id);
    try { peer.pc.restartIce(); } catch (e) { this._log('restartIce', e); }
  }

  _closePeer(id) {
    const peer = this._peers.get(id);
    if (!peer) return;
    this._peers.delete(id);
    this.peerConnections.delete(id);
    clearTimeout(peer.holdTimer);
    peer.pc.onnegotiationneeded = peer.pc.onicecandidate = peer.pc.ontrack = null;
    peer.pc.oniceconnectionstatechange = peer.pc.onconnectionstatechange = null;
    try { peer.pc.close(); } catch {}
  }

  _onRemoteTrack(peer, ev) {
    const stream = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
    const source = peer.streamSources[stream.id] || 'camera';
    let streams = this.remoteStreams.get(peer.id);
    if (!streams) { streams = {}; this.remoteStreams.set(peer.id, streams); }
    streams[source] = stream;
    if (ev.track.kind === 'audio' && this.deafened) ev.track.enabled = false;
    const pid = peer.id;
    stream.onremovetrack = (e) => this._emit('trackRemoved', pid, stream, { source, track: e.track });
    this._emit('trackAdded', pid, stream, { source, track: ev.track });
  }

  _dropRemoteStreams(id) {
    const streams = this.remoteStreams.get(id);
    if (!streams) return;
    this.remoteStreams.delete(id);
    for (const [source, stream] of Object.entries(streams)) this._emit('trackRemoved', id, stream, { source, track: null });
  }

  _sendSignal(to, signal) {
    this.request('signal', { to, signal }).catch((e) => {
      if (e.code !== 'not_connected') this._log('signal to', to, 'failed', e);
    });
  }

  /**
   * Send an application message to one participant (or "*" for everyone); it arrives as the
   * `signal` event with kind "message".
   */
  sendMessage(to, data) { return this.request('signal', { to, signal: { kind: 'message', data } }); }

  async _onSignal(from, signal) {
    if (!from) return;
    if (signal.kind === 'message') {
      const d = signal.data;
      if (d && typeof d === 'object' && d.vox === 'hello') return this._onHello(from, d.epoch);
      if (d && typeof d === 'object' && d.vox === 'streams') {
        const peer = this._peers.get(from) || (this._isP2P() && this.status === 'joined' ? this._createPeer(from) : null);
        if (peer) Object.assign(peer.streamSources, d.streams || {});
        return;
      }
      this._emit('signal', from, signal);
      return;
    }
    if (!this._isP2P() || this.status !== 'joined') { this._emit('signal', from, signal); return; }
    let peer = this._peers.get(from);
    if (!peer) peer = this._createPeer(from);
    // One signal at a time per peer: a candidate must not overtake the offer it belongs to.
    peer.queue = (peer.queue || Promise.resolve()).then(() => this._applySignal(peer, from, signal));
    return peer.queue;
  }

  async _applySignal(peer, from, signal) {
    const pc = peer.pc;
    if (pc.signalingState === 'closed') return;
    try {
      if (signal.kind === 'offer' || signal.kind === 'answer') {
        const description = { type: signal.kind, sdp: signal.sdp };
        const readyForOffer = !peer.makingOffer && (pc.signalingState === 'stable' || peer.settingRemoteAnswer);
        const collision = signal.kind === 'offer' && !readyForOffer;
        peer.ignoreOffer = !peer.polite && collision;
        if (peer.ignoreOffer) { this._log('ignoring colliding offer from', from); return; }
        peer.settingRemoteAnswer = signal.kind === 'answer';
        await pc.setRemoteDescription(description);
        peer.settingRemoteAnswer = false;
        if (signal.kind === 'offer') {
          await pc.setLocalDescription();
          this._sendSignal(from, { kind: 'answer', sdp: pc.localDescription.sdp });
          if (peer.holdFirstOffer) {
            peer.holdFirstOffer = false;
            clearTimeout(peer.holdTimer);
            // Tracks the offer did not cover (added before it arrived) need one more round.
            if (peer.wantsOffer && pc.getTransceivers().some((t) => !t.mid && t.sender.track)) peer.negotiate();
          }
        }
      } else if (signal.kind === 'candidate') {
        try {
          await pc.addIceCandidate(signal.candidate || null);
        } catch (e) {
          if (!peer.ignoreOffer) throw e;
        }
      }
    } catch (e) {
      peer.settingRemoteAnswer = false;
      this._log('signal from', from, 'failed', e);
    }
  }

  _onHello(from, epoch) {
    if (!this._isP2P() || this.status !== 'joined') return;
    let peer = this._peers.get(from);
    if (peer && peer.remoteEpoch && peer.remoteEpoch !== epoch) {
      // The other side started over (a page reload resuming the same participant).
      this._log('peer', from, 'restarted; new connection');
      this._closePeer(from);
      this._dropRemoteStreams(from);
      peer = null;
    }
    if (!peer) peer = this._createPeer(from);
    peer.remoteEpoch = epoch;
  }
}

export default VoxRoom;
