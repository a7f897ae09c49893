// SPDX-License-Identifier: MIT
// Help at every level (voxctl, a group, a command), all generated from the command table,
// plus the Markdown command reference of docs/VOXCTL.md and a JSON dump of the table.
#ifndef VOXCTL_HELP_H
#define VOXCTL_HELP_H

#include <stdio.h>

#include "cmdtab.h"

void help_top(FILE *out);
void help_group(FILE *out, const char *group);
void help_cmd(FILE *out, const struct cmdtab_cmd *cmd);

// The command reference as Markdown (one section per group, one example per command).
void help_markdown(FILE *out);

// The table as JSON: [{group, verb, method, path, auth, body: [{flag, json, type,
// required}], query: [...]}] (tests compare it with the server's OpenAPI document).
void help_dump_table(FILE *out);

#endif
