// SPDX-License-Identifier: MIT
// The WebSocket opening handshake's key (RFC 6455 section 4.2.2 step 5.4).
#ifndef VOX_HTTP_WS_HANDSHAKE_H
#define VOX_HTTP_WS_HANDSHAKE_H

#define WS_ACCEPT_LEN 28

// Checks that key (a Sec-WebSocket-Key value, may be NULL) is 16 bytes in base64 and writes
// the Sec-WebSocket-Accept value for it into accept (NUL-terminated). 0, or -1 for a bad key.
int ws_handshake_accept(const char *key, char accept[WS_ACCEPT_LEN + 1]);

#endif
