// SPDX-License-Identifier: MIT
// The retransmission cache: what was put comes back byte for byte, a slot reused by a newer
// packet does not answer for the old one, stale packets are refused, and wraparound works.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "media/pktcache.h"

static void test_put_get_reuse_age(void **state)
{
    (void)state;
    struct pktcache *c = pktcache_new(20); // rounds up to 32 slots
    uint8_t pkt[200];
    for (int i = 0; i < 40; i++) { // seqs 65520 .. 65535, 0 .. 23: wraps and reuses 8 slots
        uint16_t seq = (uint16_t)(65520 + i);
        memset(pkt, i, sizeof pkt);
        pktcache_put(c, seq, pkt, 100 + (size_t)i, i * 10);
    }
    size_t len;
    const uint8_t *p = pktcache_get(c, 23, 0, &len);
    assert_non_null(p);
    assert_int_equal(len, 139);
    assert_int_equal(p[0], 39);
    p = pktcache_get(c, 65530, 0, &len); // i = 10, not reused
    assert_non_null(p);
    assert_int_equal(p[99], 10);
    assert_null(pktcache_get(c, 65520, 0, &len));   // its slot now holds seq 0
    assert_null(pktcache_get(c, 65530, 101, &len)); // arrived at 100 ms: too old now
    assert_null(pktcache_get(c, 500, 0, &len));     // never stored
    uint8_t big[PKTCACHE_MAX_PACKET + 1] = {0};
    pktcache_put(c, 23, big, sizeof big, 1000);
    assert_null(pktcache_get(c, 23, 0, &len)); // too big to keep: the slot is emptied
    pktcache_free(c);
    pktcache_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_reuse_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
