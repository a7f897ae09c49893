// SPDX-License-Identifier: MIT
// voxctl's command table: one row per API operation (group, verb, method, path template, auth,
// body and query flags, output columns). Parsing, help, docs and dispatch all read it.
#ifndef VOXCTL_CMDTAB_H
#define VOXCTL_CMDTAB_H

#include <jansson.h>
#include <stddef.h>

enum cmdtab_auth {
    CMDTAB_PUBLIC,      // no credentials
    CMDTAB_ADMIN,       // Bearer admin token
    CMDTAB_KEY,         // HTTP Basic key_id:secret
    CMDTAB_KEY_OR_USER, // Basic, or Bearer access token when --access-token is given
    CMDTAB_LOCAL,       // no request: run() does the work
};

enum cmdtab_type {
    CMDTAB_STRING,
    CMDTAB_INT,
    CMDTAB_BOOL, // "true"/"false" (also 1/0, yes/no); a bare flag means true
    CMDTAB_JSON, // any JSON text, sent as parsed
    CMDTAB_KV,   // repeatable k=v, collected into an object (v: bool, integer or string)
    CMDTAB_TIME, // RFC 3339 text, sent as a string, or integer ms, sent as a number
};

#define CMDTAB_REQUIRED 1u // usage error when absent
#define CMDTAB_NULLABLE 2u // the value "null" sends JSON null (clears the member)

// A flag that becomes a body member (json may be dotted: "grants.role") or a query parameter.
struct cmdtab_field {
    const char *flag; // without the leading "--"
    const char *json; // body member or query parameter name
    enum cmdtab_type type;
    unsigned opts;    // CMDTAB_REQUIRED | CMDTAB_NULLABLE
    const char *help; // one short phrase (choices for enums)
};

// A column of a list's table: header and dotted path into each item.
struct cmdtab_col {
    const char *head;
    const char *path;
};

struct cmdtab_cmd;
struct args_req;

// Runs a CMDTAB_LOCAL command from its parsed flags; returns the process exit code.
typedef int (*cmdtab_run_fn)(const struct cmdtab_cmd *cmd, const struct args_req *req);
// Prints an answer for people when neither columns nor key: value lines suit it.
typedef void (*cmdtab_print_fn)(const json_t *answer);

struct cmdtab_cmd {
    const char *group;
    const char *verb;   // "" for a group that is itself the command (`voxctl channels`)
    const char *method; // GET, POST, PATCH, DELETE
    const char *path;   // "/v1/rooms/{room_id}": each {name} is a positional argument or --name
    enum cmdtab_auth auth;
    const struct cmdtab_field *body;  // terminated by a zeroed entry, or NULL
    const struct cmdtab_field *query; // terminated by a zeroed entry, or NULL
    const struct cmdtab_col *cols;    // a list: columns of its table; NULL prints key: value
    const char *summary;
    const char *example;   // arguments after `voxctl`, shown by --help and in docs
    cmdtab_run_fn run;     // CMDTAB_LOCAL only
    cmdtab_print_fn print; // optional human printer
};

// One line describing a group for the top-level help.
struct cmdtab_group {
    const char *name;
    const char *summary;
};

// The whole table and the group list (in help order).
const struct cmdtab_cmd *cmdtab_all(size_t *n);
const struct cmdtab_group *cmdtab_groups(size_t *n);

// The command for group + verb (verb "" for verbless groups), or NULL.
const struct cmdtab_cmd *cmdtab_find(const char *group, const char *verb);

// True when some command belongs to group.
int cmdtab_has_group(const char *group);

// True when group's only command takes no verb.
int cmdtab_is_verbless(const char *group);

// "string", "int", "bool", "json" or "key=value".
const char *cmdtab_type_name(enum cmdtab_type t);

#endif
