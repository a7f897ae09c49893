// SPDX-License-Identifier: MIT
// What the browser tests share: Debian's Chromium started headless with fake devices and the
// flags WebRTC needs on loopback (../shared/notes/BROWSER-TESTS.md), and a bounded poll.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from 'playwright-core';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
];

// A persistent context in a fresh profile directory (playwright refuses --user-data-dir in
// args), with microphone and camera allowed; extra options (a viewport) are passed on.
export function launchBrowser(extra = {}) {
  const dir = mkdtempSync(join(process.env.VOX_BROWSER_TMP || tmpdir(), 'chromium-profile-'));
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    permissions: ['microphone', 'camera'],
    timeout: 30000,
    ...extra,
  });
}

// Polls fn (a Node async function) until it returns a truthy value, at most ms.
export async function until(fn, what, ms = 20000, every = 250) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(every);
  }
}
