// SPDX-License-Identifier: MIT
// One HTTP request to voxd over libcurl's easy interface (a CLI does one request at a time).
#ifndef VOXCTL_CLIENT_H
#define VOXCTL_CLIENT_H

#include <stddef.h>

#define CLIENT_ERR_MAX 256

// Credentials for one request: Basic when user is set, else Bearer when bearer is set.
struct client_auth {
    const char *user, *pass;
    const char *bearer;
};

struct client_resp {
    long status;
    char *body; // NUL-terminated, malloc'd (may be "")
    size_t len;
    char content_type[128];
};

// Sends method url with body (JSON text, or NULL for none). Returns 0 with *out filled (free
// with client_resp_fini), or -1 with err set when no answer arrived (connection, timeout).
int client_request(const char *method, const char *url, const char *body,
                   const struct client_auth *auth, struct client_resp *out, char *err);

void client_resp_fini(struct client_resp *r);

#endif
