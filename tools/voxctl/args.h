// SPDX-License-Identifier: MIT
// Command-line parsing: global flags (with their environment variables) and a command's
// positional path arguments, body flags and query flags, checked against the command table
// before any request is sent.
#ifndef VOXCTL_ARGS_H
#define VOXCTL_ARGS_H

#include <jansson.h>
#include <stddef.h>

#include "cmdtab.h"

#define ARGS_ERR_MAX    256
#define ARGS_MAX_PARAMS 4

struct args_global {
    const char *url;          // --url, VOX_URL
    const char *key_id;       // --key-id, VOX_API_KEY
    const char *secret;       // --secret, VOX_API_SECRET
    const char *admin_token;  // --admin-token, VOX_ADMIN_TOKEN
    const char *access_token; // --access-token, VOX_ACCESS_TOKEN
    int json;                 // --json: print the server's JSON
    int help;                 // --help / -h
    int version;              // --version
    int markdown;             // --markdown (hidden): the command reference for docs/VOXCTL.md
    int dump_table;           // --dump-table (hidden): the command table as JSON, for tests
};

// One command ready to send: the expanded path, the query string and the body.
struct args_req {
    const struct cmdtab_cmd *cmd;
    const struct args_global *g;
    char *path;   // path with arguments substituted (percent-encoded); malloc'd
    char *query;  // "" or "?k=v&..." (percent-encoded); malloc'd
    json_t *body; // object of the body flags given (owned), empty when none
    const char *params[ARGS_MAX_PARAMS]; // the path arguments as given (borrowed from argv)
};

// Fills g from the environment (flags override later).
void args_global_init(struct args_global *g);

// If argv[*i] is a global flag, applies it (consuming its value) and returns 1; returns 0 for
// anything else, -1 with err set when its value is missing.
int args_global_flag(struct args_global *g, int argc, char **argv, int *i, char *err);

// Parses argv[0..argc) (what follows `group verb`) for cmd into *out; global flags may appear
// among them and update g. Returns 0, or -1 with err set (a usage error: nothing was sent).
int args_parse(const struct cmdtab_cmd *cmd, struct args_global *g, int argc, char **argv,
               struct args_req *out, char *err);

// Frees what args_parse() allocated.
void args_req_fini(struct args_req *r);

// Percent-encodes s for a URL path segment or query value; malloc'd.
char *args_escape(const char *s);

#endif
