// SPDX-License-Identifier: MIT
// Stage helpers other modules share.
#ifndef VOX_API_STAGE_H
#define VOX_API_STAGE_H

#include <jansson.h>

#include "store/stage.h"

// The stage request as the API shows it.
json_t *stage_request_json(const struct stage_request_rec *r);

#endif
