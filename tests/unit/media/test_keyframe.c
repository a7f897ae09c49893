// SPDX-License-Identifier: MIT
// Keyframe recognition on hand-built payloads of each format, including Chromium's usual VP8
// descriptor (X with a 15-bit PictureID, TL0PICIDX and TID), middle packets and truncation.
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "media/keyframe.h"

static void test_vp8(void **state)
{
    (void)state;
    // X=1 S=1 PID=0; I L T; 15-bit PictureID; TL0PICIDX; TID; frame header P=0 (key).
    const uint8_t key[] = {0x90, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x10, 0x02, 0x00};
    const uint8_t delta[] = {0x90, 0xe0, 0x80, 0x02, 0x05, 0x20, 0x11, 0x02, 0x00};
    const uint8_t middle[] = {0x80, 0xe0, 0x80, 0x01, 0x05, 0x20, 0x10}; // S=0
    const uint8_t plain_key[] = {0x10, 0x10};                            // no extensions
    enum keyframe_codec c = keyframe_codec_of("vp8");
    assert_int_equal(c, KEYFRAME_VP8);
    assert_true(keyframe_starts(c, key, sizeof key));
    assert_false(keyframe_starts(c, delta, sizeof delta));
    assert_false(keyframe_starts(c, middle, sizeof middle));
    assert_true(keyframe_starts(c, plain_key, sizeof plain_key));
    for (size_t n = 0; n < 7; n++) // cut before the frame header: not a keyframe, no overread
        assert_false(keyframe_starts(c, key, n));
}

static void test_vp9_h264(void **state)
{
    (void)state;
    const uint8_t vp9_key[] = {0x88}, vp9_delta[] = {0xc8}, vp9_mid[] = {0x80};
    assert_true(keyframe_starts(KEYFRAME_VP9, vp9_key, 1));
    assert_false(keyframe_starts(KEYFRAME_VP9, vp9_delta, 1));
    assert_false(keyframe_starts(KEYFRAME_VP9, vp9_mid, 1));
    enum keyframe_codec h = keyframe_codec_of("H264");
    const uint8_t idr[] = {0x65, 0x88}, slice[] = {0x41, 0x9a};
    const uint8_t stap[] = {0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce};
    const uint8_t stap_bad[] = {0x18, 0x00, 0x09, 0x67};
    const uint8_t fu_start[] = {0x7c, 0x85}, fu_middle[] = {0x7c, 0x05};
    assert_true(keyframe_starts(h, idr, sizeof idr));
    assert_false(keyframe_starts(h, slice, sizeof slice));
    assert_true(keyframe_starts(h, stap, sizeof stap));
    assert_false(keyframe_starts(h, stap_bad, sizeof stap_bad));
    assert_true(keyframe_starts(h, fu_start, sizeof fu_start));
    assert_false(keyframe_starts(h, fu_middle, sizeof fu_middle));
    assert_false(keyframe_starts(h, idr, 0));
    assert_true(keyframe_starts(keyframe_codec_of("AV1"), idr, 0)); // unknown: never held
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vp8),
        cmocka_unit_test(test_vp9_h264),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
