// SPDX-License-Identifier: MIT
// Help text generated from the command table, so every command, flag and type that parses
// is also documented (and nothing documented fails to parse).
#include "help.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const auth_names[] = {"none", "admin token", "api key",
                                         "api key or access token", "local, no request"};

static const char global_help[] =
    "global flags (anywhere on the line):\n"
    "  --url URL            server (VOX_URL, default http://127.0.0.1:8080)\n"
    "  --key-id ID          api key id (VOX_API_KEY)\n"
    "  --secret S           api key secret (VOX_API_SECRET)\n"
    "  --admin-token T      admin token for org commands (VOX_ADMIN_TOKEN)\n"
    "  --access-token T     act as a participant with an access token (VOX_ACCESS_TOKEN)\n"
    "  --json               print the server's JSON answer\n"
    "  --help, -h           help for voxctl, a group or a command\n";

static const char *verb_or_blank(const struct cmdtab_cmd *c)
{
    return c->verb && *c->verb ? c->verb : "";
}

static void print_name(FILE *out, const struct cmdtab_cmd *c)
{
    fprintf(out, "voxctl %s%s%s", c->group, *verb_or_blank(c) ? " " : "", verb_or_blank(c));
}

// "<room_id> <participant_id>" from the path template.
static void print_params(FILE *out, const char *path)
{
    for (const char *p = path ? strchr(path, '{') : NULL; p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        fprintf(out, " <%.*s>", (int)(e - p - 1), p + 1);
    }
}

// "--room-id, --participant-id": the flag forms of the path arguments.
static void print_param_flags(FILE *out, const struct cmdtab_cmd *c)
{
    const char *p = c->path && c->auth != CMDTAB_LOCAL ? strchr(c->path, '{') : NULL;
    if (!p)
        return;
    fputs("path arguments may also be given as flags:", out);
    for (const char *sep = " "; p; p = strchr(p + 1, '{'), sep = ", ") {
        const char *e = strchr(p, '}');
        if (!e)
            break;
        fprintf(out, "%s--", sep);
        for (const char *k = p + 1; k < e; k++)
            fputc(*k == '_' ? '-' : *k, out);
    }
    fputc('\n', out);
}

static void print_usage(FILE *out, const struct cmdtab_cmd *c)
{
    fputs("usage: ", out);
    print_name(out, c);
    print_params(out, c->path);
    for (const struct cmdtab_field *f = c->body; f && f->flag; f++)
        if (f->opts & CMDTAB_REQUIRED)
            fprintf(out, " --%s <%s>", f->flag, cmdtab_type_name(f->type));
    int optional = (c->query && c->query->flag) != 0;
    for (const struct cmdtab_field *f = c->body; f && f->flag; f++)
        optional |= !(f->opts & CMDTAB_REQUIRED);
    fprintf(out, "%s\n", optional ? " [flags]" : "");
}

static void print_fields(FILE *out, const char *title, const struct cmdtab_field *f)
{
    if (!f || !f->flag)
        return;
    fprintf(out, "\n%s:\n", title);
    for (; f->flag; f++) {
        char left[64];
        snprintf(left, sizeof left, "--%s <%s>", f->flag, cmdtab_type_name(f->type));
        char right[256];
        snprintf(right, sizeof right, "%s%s%s", f->opts & CMDTAB_REQUIRED ? "required; " : "",
                 f->help ? f->help : "", f->opts & CMDTAB_NULLABLE ? " (null clears it)" : "");
        if (*right)
            fprintf(out, "  %-30s %s\n", left, right);
        else
            fprintf(out, "  %s\n", left);
    }
}

void help_cmd(FILE *out, const struct cmdtab_cmd *c)
{
    fprintf(out, "%s\n\n", c->summary);
    print_usage(out, c);
    if (c->auth == CMDTAB_LOCAL)
        fprintf(out, "\nrequest: none (runs locally)\n");
    else
        fprintf(out, "\nrequest: %s %s (auth: %s)\n", c->method, c->path, auth_names[c->auth]);
    print_param_flags(out, c);
    print_fields(out, "body flags", c->body);
    print_fields(out, "query flags", c->query);
    fprintf(out, "\nexample:\n  voxctl %s\n\n%s", c->example, global_help);
}

void help_group(FILE *out, const char *group)
{
    size_t n;
    const struct cmdtab_cmd *c = cmdtab_all(&n);
    fprintf(out, "usage: voxctl %s <command> [arguments] [flags]\n\ncommands:\n", group);
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].group, group) == 0)
            fprintf(out, "  %-16s %s\n", *verb_or_blank(&c[i]) ? c[i].verb : "(none)",
                    c[i].summary);
    fprintf(out, "\nRun 'voxctl %s <command> --help' for its flags.\n", group);
}

void help_top(FILE *out)
{
    size_t n;
    const struct cmdtab_group *g = cmdtab_groups(&n);
    fputs("voxctl: the command-line client for the vox API\n\n"
          "usage: voxctl [global flags] <group> <command> [arguments] [--flag value ...]\n\n"
          "groups:\n",
          out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-12s %s\n", g[i].name, g[i].summary);
    fprintf(out, "\n%s\nRun 'voxctl <group> --help' for its commands.\n", global_help);
}

static void markdown_fields(FILE *out, const struct cmdtab_field *f)
{
    for (; f && f->flag; f++)
        fprintf(out, "`--%s <%s>`%s%s", f->flag, cmdtab_type_name(f->type),
                f->opts & CMDTAB_REQUIRED ? " (required)" : "", f[1].flag ? ", " : "");
}

static void markdown_cmd(FILE *out, const struct cmdtab_cmd *c)
{
    fputs("### `", out);
    print_name(out, c);
    print_params(out, c->path);
    fprintf(out, "`\n\n%s. ", c->summary);
    if (c->auth == CMDTAB_LOCAL)
        fputs("Runs locally (no request).\n", out);
    else
        fprintf(out, "`%s %s` (auth: %s).\n", c->method, c->path, auth_names[c->auth]);
    if (c->body && c->body->flag) {
        fputs("\nBody flags: ", out);
        markdown_fields(out, c->body);
        fputs(".\n", out);
    }
    if (c->query && c->query->flag) {
        fputs("\nQuery flags: ", out);
        markdown_fields(out, c->query);
        fputs(".\n", out);
    }
    fprintf(out, "\n```sh\nvoxctl %s\n```\n\n", c->example);
}

void help_markdown(FILE *out)
{
    size_t ng, n;
    const struct cmdtab_group *g = cmdtab_groups(&ng);
    const struct cmdtab_cmd *c = cmdtab_all(&n);
    for (size_t i = 0; i < ng; i++) {
        fprintf(out, "## %s: %s\n\n", g[i].name, g[i].summary);
        for (size_t k = 0; k < n; k++)
            if (strcmp(c[k].group, g[i].name) == 0)
                markdown_cmd(out, &c[k]);
    }
}

static json_t *fields_json(const struct cmdtab_field *f)
{
    json_t *arr = json_array();
    for (; f && f->flag; f++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "flag", f->flag, "json",
                                             f->json, "type", cmdtab_type_name(f->type), "required",
                                             (f->opts & CMDTAB_REQUIRED) != 0));
    return arr;
}

void help_dump_table(FILE *out)
{
    size_t n;
    const struct cmdtab_cmd *c = cmdtab_all(&n);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s?, s:s, s:o, s:o, s:b}", "group",
                                             c[i].group, "verb", c[i].verb, "method", c[i].method,
                                             "path", c[i].path, "auth", auth_names[c[i].auth],
                                             "body", fields_json(c[i].body), "query",
                                             fields_json(c[i].query), "list", c[i].cols != NULL));
    char *s = json_dumps(arr, JSON_INDENT(1));
    fprintf(out, "%s\n", s);
    free(s);
    json_decref(arr);
}
