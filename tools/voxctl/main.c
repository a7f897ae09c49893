// SPDX-License-Identifier: MIT
// voxctl: the command-line client for the vox API. Reads `[global flags] <group> <verb>
// [args] [--field value ...]`, finds the row in the command table and sends one request.
// Exit codes: 0 success, 1 an error answer or no answer, 2 a usage error (nothing sent).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "client.h"
#include "cmdtab.h"
#include "help.h"
#include "output.h"

#define EXIT_USAGE 2
#define VERSION    "1"

static int usage_error(const char *msg, const char *group, const char *verb)
{
    fprintf(stderr, "voxctl: %s\n", msg);
    if (group && verb && *verb)
        fprintf(stderr, "Run 'voxctl %s %s --help' for usage.\n", group, verb);
    else if (group)
        fprintf(stderr, "Run 'voxctl %s --help' for usage.\n", group);
    else
        fprintf(stderr, "Run 'voxctl --help' for usage.\n");
    return EXIT_USAGE;
}

// Picks the credentials the command's auth kind needs; -1 with msg set when they are missing.
static int pick_auth(const struct cmdtab_cmd *cmd, const struct args_global *g,
                     struct client_auth *a, char *msg, size_t cap)
{
    memset(a, 0, sizeof *a);
    int have_key = g->key_id && g->secret;
    switch (cmd->auth) {
    case CMDTAB_ADMIN:
        a->bearer = g->admin_token;
        if (!a->bearer)
            snprintf(msg, cap, "this command needs --admin-token (or VOX_ADMIN_TOKEN)");
        return a->bearer ? 0 : -1;
    case CMDTAB_KEY_OR_USER:
        if (g->access_token) {
            a->bearer = g->access_token;
            return 0;
        }
        /* fall through */
    case CMDTAB_KEY:
        if (!have_key) {
            snprintf(msg, cap,
                     "this command needs --key-id and --secret (or VOX_API_KEY and "
                     "VOX_API_SECRET)%s",
                     cmd->auth == CMDTAB_KEY_OR_USER ? ", or --access-token" : "");
            return -1;
        }
        a->user = g->key_id;
        a->pass = g->secret;
        return 0;
    default:
        return 0;
    }
}

// The JSON text to send: POST and PATCH always carry an object; DELETE only when flags fill it.
static char *body_text(const struct args_req *req)
{
    const char *m = req->cmd->method;
    if (strcmp(m, "GET") == 0 || (strcmp(m, "DELETE") == 0 && !json_object_size(req->body)))
        return NULL;
    return json_dumps(req->body, JSON_COMPACT);
}

static int send_request(const struct args_req *req)
{
    const struct cmdtab_cmd *cmd = req->cmd;
    struct client_auth auth;
    struct client_resp resp;
    char msg[CLIENT_ERR_MAX];
    if (pick_auth(cmd, req->g, &auth, msg, sizeof msg))
        return usage_error(msg, cmd->group, cmd->verb);
    size_t base = strlen(req->g->url);
    while (base > 0 && req->g->url[base - 1] == '/')
        base--;
    size_t cap = base + strlen(req->path) + strlen(req->query) + 1;
    char *url = malloc(cap), *body = body_text(req);
    if (!url)
        abort();
    snprintf(url, cap, "%.*s%s%s", (int)base, req->g->url, req->path, req->query);
    int rc = client_request(cmd->method, url, body, &auth, &resp, msg);
    if (rc == 0) {
        rc = output_answer(cmd, req->g->json, resp.status, resp.body, resp.len, resp.content_type);
        client_resp_fini(&resp);
    } else {
        output_error("connection", msg, NULL);
        rc = 1;
    }
    free(url);
    free(body);
    return rc;
}

// Handles the flags that print something and exit; -1 when none applied.
static int info_flags(const struct args_global *g)
{
    if (g->version)
        printf("voxctl %s\n", VERSION);
    else if (g->markdown)
        help_markdown(stdout);
    else if (g->dump_table)
        help_dump_table(stdout);
    else
        return -1;
    return 0;
}

// Finds the command named by argv[*i] (and argv[*i + 1] unless the group is verbless).
static const struct cmdtab_cmd *find_cmd(struct args_global *g, int argc, char **argv, int *i,
                                         int *rc)
{
    const char *group = argv[(*i)++];
    char msg[ARGS_ERR_MAX];
    if (!cmdtab_has_group(group)) {
        snprintf(msg, sizeof msg, "unknown command group '%.40s'", group);
        *rc = usage_error(msg, NULL, NULL);
        return NULL;
    }
    if (cmdtab_is_verbless(group))
        return cmdtab_find(group, "");
    if (*i >= argc || argv[*i][0] == '-') {
        for (int k = *i; k < argc; k++)
            g->help |= strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0;
        if (g->help)
            help_group(stdout, group);
        *rc = g->help ? 0 : usage_error("missing command", group, NULL);
        return NULL;
    }
    const char *verb = argv[(*i)++];
    const struct cmdtab_cmd *cmd = cmdtab_find(group, verb);
    if (!cmd) {
        snprintf(msg, sizeof msg, "unknown command '%.40s %.40s'", group, verb);
        *rc = usage_error(msg, group, NULL);
    }
    return cmd;
}

int main(int argc, char **argv)
{
    struct args_global g;
    char err[ARGS_ERR_MAX];
    int i = 1, r, rc = 0;
    args_global_init(&g);
    for (; i < argc && (r = args_global_flag(&g, argc, argv, &i, err)); i++)
        if (r < 0)
            return usage_error(err, NULL, NULL);
    if (info_flags(&g) == 0)
        return 0;
    if (i < argc && argv[i][0] == '-') {
        snprintf(err, sizeof err, "unknown flag %.60s", argv[i]);
        return usage_error(err, NULL, NULL);
    }
    if (i >= argc) {
        help_top(g.help ? stdout : stderr);
        return g.help ? 0 : EXIT_USAGE;
    }
    const struct cmdtab_cmd *cmd = find_cmd(&g, argc, argv, &i, &rc);
    if (!cmd)
        return rc;
    struct args_req req;
    if (args_parse(cmd, &g, argc - i, argv + i, &req, err))
        return g.help ? (help_cmd(stdout, cmd), 0) : usage_error(err, cmd->group, cmd->verb);
    if (g.help) {
        help_cmd(stdout, cmd);
        return 0;
    }
    rc = cmd->auth == CMDTAB_LOCAL ? cmd->run(cmd, &req) : send_request(&req);
    args_req_fini(&req);
    return rc;
}
