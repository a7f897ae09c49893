// SPDX-License-Identifier: MIT
// HTTP Basic credentials (RFC 7617): the token68 after "Basic " decoded and split into an
// api key id and its secret. Pure: no lookup, no globals (fuzz/basic_auth.c drives it).
#ifndef VOX_AUTH_BASIC_H
#define VOX_AUTH_BASIC_H

#include <stddef.h>

// Longest base64 accepted: 336 characters, 252 bytes of "key_id:secret".
#define BASIC_MAX_B64 336

// Decodes b64[0..len) (padded standard base64, RFC 4648 section 4) and splits it at the first
// ':' (RFC 7617 section 2: a user-id cannot hold one; the secret may). The key id goes to
// key_id and the secret to secret, each NUL-terminated, into caller buffers of key_cap and
// secret_cap bytes. An empty key id is refused; an empty secret is not (it is then compared
// against the stored one and fails there, as any wrong secret does). A NUL byte anywhere in
// the decoded credentials is refused rather than cut at, so what is checked is what was sent.
// Returns 0, or VOX_EINVAL with *reason (a static string for a 401's message) saying why:
// "malformed Basic credentials" (bad base64, too long, a NUL, a part that does not fit) or
// "Basic credentials must be key_id:secret" (no ':', or nothing before it). Both buffers
// are wiped on failure.
int basic_parse(const char *b64, size_t len, char *key_id, size_t key_cap, char *secret,
                size_t secret_cap, const char **reason);

#endif
