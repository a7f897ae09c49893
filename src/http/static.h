// SPDX-License-Identifier: MIT
// Static files (the browser SDK and the demo app) from a directory.
#ifndef VOX_HTTP_STATIC_H
#define VOX_HTTP_STATIC_H

#include "http/http.h"

// Answers GET path from root ("/" is index.html): 0 with resp filled, or VOX_ENOTFOUND when
// there is no such file or the path is not a plain relative name ([A-Za-z0-9._-] segments, no
// "..", no hidden files).
int static_serve(const char *root, const char *path, http_resp *resp);
// 1 when path is a plain absolute name static_serve may open, else 0.
int static_path_ok(const char *path);

#endif
