// SPDX-License-Identifier: MIT
// Fuzzes keyframe recognition: any payload, each codec; the first byte picks the codec. ASan
// checks that no format reads past the payload.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/keyframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum keyframe_codec c = (enum keyframe_codec)(data[0] % 4);
    uint8_t *p = malloc(size - 1 ? size - 1 : 1); // exactly the payload, so overreads show
    memcpy(p, data + 1, size - 1);
    bool key = keyframe_starts(c, p, size - 1);
    if (c == KEYFRAME_UNKNOWN && !key)
        abort(); // unknown codecs are never held back
    free(p);
    return 0;
}
