// SPDX-License-Identifier: MIT
// The composition root: builds the store, the API and the HTTP server on one libuv loop and
// runs until SIGINT/SIGTERM.
#ifndef VOX_APP_APP_H
#define VOX_APP_APP_H

#include "app/config.h"

// Runs voxd; returns the process exit code.
int app_run(const struct app_config *cfg);

#endif
