// SPDX-License-Identifier: MIT
// What voxctl prints: aligned tables for lists, "key: value" lines for one object, the raw
// JSON with --json, and API errors as "error: <code>: <message> (field: x)" on stderr.
#ifndef VOXCTL_OUTPUT_H
#define VOXCTL_OUTPUT_H

#include <jansson.h>
#include <stddef.h>

#include "cmdtab.h"

// Prints a successful answer's JSON value v for cmd (a table when cmd has columns and v
// holds an array, else key: value lines; pretty JSON when json_mode).
void output_value(const struct cmdtab_cmd *cmd, int json_mode, const json_t *v);

// Prints an HTTP answer and returns the exit code: 0 for 2xx, 1 for an error answer.
int output_answer(const struct cmdtab_cmd *cmd, int json_mode, long status, const char *body,
                  size_t len, const char *content_type);

// The human form of GET /v1/channels: one table row per channel with its category's name.
void output_channels(const json_t *answer);

// Prints "error: <code>: <message>[ (field: <field>)]" to stderr.
void output_error(const char *code, const char *message, const char *field);

#endif
