// SPDX-License-Identifier: MIT
// vox participant access tokens: HS256 JWTs minted by an application's backend with its
// api key secret, naming an identity, a room and grants. Claims on the wire:
//   iss (api key id), sub (identity), name, room (uuid), exp, nbf, iat, jti, metadata,
//   grants {join, publish, subscribe, publish_data, admin, hidden, recorder: bool,
//           role: string}
// Server flow: jwt_parse() -> look the secret up by api key id (kid, which must equal iss,
// else iss) -> jwt_verify_hs256(leeway ACCESS_TOKEN_LEEWAY_S) -> access_token_from_jwt() ->
// access_token_check_times().
#ifndef VOX_AUTH_ACCESS_TOKEN_H
#define VOX_AUTH_ACCESS_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/jwt.h"

// Largest accepted lengths in bytes (the arrays below hold one more for the NUL).
#define ACCESS_TOKEN_ISS_MAX      63
#define ACCESS_TOKEN_IDENTITY_MAX 128
#define ACCESS_TOKEN_NAME_MAX     128
#define ACCESS_TOKEN_ROOM_LEN     36
#define ACCESS_TOKEN_JTI_MAX      64
#define ACCESS_TOKEN_ROLE_MAX     15
#define ACCESS_TOKEN_METADATA_MAX 1024

// Clock skew allowed between the backend that signs a token and the server, in seconds: a
// token is accepted up to this long before its nbf and with an iat up to this far in the
// future. exp has no leeway: a token is valid while now < exp, exactly.
#define ACCESS_TOKEN_LEEWAY_S 5

// What the bearer may do. When the token has no "grants" object, or the object omits a
// flag, the default applies: join, publish and subscribe true; publish_data, admin,
// hidden and recorder false; role "" (the room decides).
struct access_token_grants {
    bool join;                            // may join the room
    bool publish;                         // may publish audio/video tracks
    bool subscribe;                       // may receive others' tracks
    bool publish_data;                    // may send data messages
    bool admin;                           // may administer the room (mute, remove, end)
    bool hidden;                          // invisible to other participants
    bool recorder;                        // is a recorder, not a person
    char role[ACCESS_TOKEN_ROLE_MAX + 1]; // [a-z_]*, interpreted by domain/
};

// A validated token's contents; every string is NUL-terminated, "" when absent.
struct access_token {
    char iss[ACCESS_TOKEN_ISS_MAX + 1];           // api key id, required, no control chars
    char identity[ACCESS_TOKEN_IDENTITY_MAX + 1]; // "sub", required, 1..128 bytes, no controls
    char name[ACCESS_TOKEN_NAME_MAX + 1];         // display name, no control chars
    char room[ACCESS_TOKEN_ROOM_LEN + 1];         // lower-case uuid; required if grants.join
    char jti[ACCESS_TOKEN_JTI_MAX + 1];           // token id, no control chars
    char metadata[ACCESS_TOKEN_METADATA_MAX + 1]; // opaque application data, any UTF-8
    struct access_token_grants grants;
    int64_t exp; // required
    int64_t nbf; // 0 when absent
    int64_t iat; // 0 when absent
};

// Sets *g to the defaults documented on struct access_token_grants.
void access_token_grants_init(struct access_token_grants *g);

// Validates t as access_token_from_jwt() would and stores a malloc'd HS256 token signed
// with secret (header kid = t->iss) in *out for the caller to free(); returns VOX_EINVAL
// on an invalid field or empty secret, VOX_ENOMEM or VOX_EIO otherwise.
int access_token_mint(const struct access_token *t, const uint8_t *secret, size_t len, char **out);

// Fills *out from a parsed token's claims, checking types, lengths and the rules on the
// struct above (and that header kid, if present, equals iss); does not check the signature
// or times, so call jwt_verify_hs256() first. Returns 0, or VOX_EUNAUTH with *reason (if
// non-NULL) set to a static string naming the bad claim.
int access_token_from_jwt(const struct jwt *j, struct access_token *out, const char **reason);

// The server's time rules on a verified token, beyond jwt_verify_hs256(): valid only while
// now_s < exp (no leeway), iat (when present) at most now_s + ACCESS_TOKEN_LEEWAY_S, and the
// lifetime exp - iat (exp - now_s without iat) at most max_ttl_s (when max_ttl_s > 0), so a
// cap on minted tokens also caps tokens signed elsewhere with the same key. Returns 0, or
// VOX_EUNAUTH with *reason (if non-NULL) set to a static string.
int access_token_check_times(const struct access_token *t, int64_t now_s, int64_t max_ttl_s,
                             const char **reason);

#endif
