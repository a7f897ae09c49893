// SPDX-License-Identifier: MIT
// Fuzzes the SDP parser: any bytes parse or fail with a message; a description that parses
// is written and parsed back to the same struct, byte for byte; sdp_answer on it must not
// crash, and an answer it builds must write and parse back the same way.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rtc/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// About 600 KB each: allocated once, reachable until exit.
static struct sdp *in, *back, *ans;

// The writer ends lines in \r\n where the input may have used \n, and writes "a=msid-semantic:
// WMS" with a blank, so a description at a size limit can outgrow it when written.
static bool over_limits(const char *t, size_t n)
{
    if (n > SDP_MAX_LEN)
        return true;
    size_t line = 0;
    for (size_t i = 0; i < n; i++) {
        line = t[i] == '\n' ? 0 : line + 1;
        if (line > SDP_MAX_LINE + 1) // + the \r
            return true;
    }
    return false;
}

static void round_trip(const struct sdp *s)
{
    sbuf out;
    sbuf_init(&out);
    if (sdp_write(s, &out) != 0)
        abort();
    char err[256];
    int rc = sdp_parse(back, out.data, out.len, err, sizeof err);
    if (rc == SDP_ERR_LIMIT && over_limits(out.data, out.len)) {
        sbuf_fini(&out);
        return;
    }
    // The parser clears the session part and each section it fills, not the rest.
    if (rc != 0 || memcmp(s, back, offsetof(struct sdp, media)) != 0 ||
        memcmp(s->media, back->media, s->n_media * sizeof s->media[0]) != 0)
        abort();
    sbuf_fini(&out);
}

static void answer(const struct sdp *offer, bool publisher)
{
    struct sdp_local l;
    memset(&l, 0, sizeof l);
    strcpy(l.ufrag, "voxU");
    strcpy(l.pwd, "voxpasswordvoxpassword");
    strcpy(l.fingerprint_algo, "sha-256");
    strcpy(l.fingerprint, "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:"
                          "EA:8C:D3:B6:5C:09:5E:A6:85");
    l.n_hosts = 1;
    strcpy(l.hosts[0].ip, "127.0.0.1");
    l.hosts[0].port = 40000;
    l.dir = publisher ? SDP_DIR_RECVONLY : SDP_DIR_SENDRECV;
    l.accept_data = !publisher;
    char err[256];
    int rc = sdp_answer(offer, &l, ans, err, sizeof err);
    if (rc == 0)
        round_trip(ans);
    else if (rc != SDP_ERR_UNSUPPORTED || !err[0])
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!in) {
        in = malloc(sizeof *in);
        back = malloc(sizeof *back);
        ans = malloc(sizeof *ans);
        if (!in || !back || !ans)
            abort();
    }
    char err[256];
    int rc = sdp_parse(in, (const char *)data, size, err, sizeof err);
    if (rc != 0) {
        if (rc > 0 || !err[0])
            abort(); // every refusal says why
        return 0;
    }
    round_trip(in);
    answer(in, true);
    answer(in, false);
    return 0;
}
