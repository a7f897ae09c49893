// SPDX-License-Identifier: MIT
// Turns argv into a request: global flags, positional path arguments, body and query flags,
// each typed by the command table. Every usage error is found here, before anything is sent.
#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/sbuf.h"

struct global_flag {
    const char *name;
    size_t off;      // of the member in struct args_global
    int takes_value; // a const char * member set to the value; else an int member set to 1
};

#define G_STR(m) offsetof(struct args_global, m), 1
#define G_INT(m) offsetof(struct args_global, m), 0

static const struct global_flag global_flags[] = {
    {"url", G_STR(url)},
    {"key-id", G_STR(key_id)},
    {"secret", G_STR(secret)},
    {"admin-token", G_STR(admin_token)},
    {"access-token", G_STR(access_token)},
    {"json", G_INT(json)},
    {"help", G_INT(help)},
    {"version", G_INT(version)},
    {"markdown", G_INT(markdown)},
    {"dump-table", G_INT(dump_table)},
};

static void fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, ARGS_ERR_MAX, fmt, ap);
    va_end(ap);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

void args_global_init(struct args_global *g)
{
    memset(g, 0, sizeof *g);
    g->url = env_or("VOX_URL", "http://127.0.0.1:8080");
    g->key_id = env_or("VOX_API_KEY", NULL);
    g->secret = env_or("VOX_API_SECRET", NULL);
    g->admin_token = env_or("VOX_ADMIN_TOKEN", NULL);
    g->access_token = env_or("VOX_ACCESS_TOKEN", NULL);
}

// Splits "--name=value" / "--name" into the name (copied into buf) and the inline value.
static const char *flag_name(const char *arg, char *buf, size_t cap, const char **inline_val)
{
    const char *s = arg + 2, *eq = strchr(s, '=');
    size_t n = eq ? (size_t)(eq - s) : strlen(s);
    *inline_val = eq ? eq + 1 : NULL;
    snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), s);
    return buf;
}

int args_global_flag(struct args_global *g, int argc, char **argv, int *i, char *err)
{
    const char *arg = argv[*i], *val;
    char name[64];
    if (strcmp(arg, "-h") == 0) {
        g->help = 1;
        return 1;
    }
    if (strncmp(arg, "--", 2) != 0)
        return 0;
    flag_name(arg, name, sizeof name, &val);
    for (size_t k = 0; k < sizeof global_flags / sizeof global_flags[0]; k++) {
        const struct global_flag *f = &global_flags[k];
        if (strcmp(name, f->name) != 0)
            continue;
        if (!f->takes_value) {
            *(int *)((char *)g + f->off) = 1;
            return 1;
        }
        if (!val && *i + 1 >= argc) {
            fail(err, "--%s needs a value", name);
            return -1;
        }
        *(const char **)((char *)g + f->off) = val ? val : argv[++*i];
        return 1;
    }
    return 0;
}

char *args_escape(const char *s)
{
    sbuf b;
    sbuf_init(&b);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            sbuf_append(&b, p, 1);
        else
            sbuf_printf(&b, "%%%02X", *p);
    }
    return sbuf_steal(&b);
}

// ---- typed values ----

static int parse_int(const char *s, json_int_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return -1;
    *out = (json_int_t)v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"}, *const no[] = {"false", "0", "no",
                                                                                "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(s, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(s, no[i]) == 0)
            return *out = 0, 0;
    }
    return -1;
}

// A key=value item's value: a bool, an integer, or else the text itself.
static json_t *kv_value(const char *s)
{
    int b;
    json_int_t n;
    if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
        return parse_bool(s, &b), json_boolean(b);
    if (parse_int(s, &n) == 0)
        return json_integer(n);
    return json_string(s);
}

static json_t *typed_value(const struct cmdtab_field *f, const char *s, char *err)
{
    json_int_t n;
    int b;
    json_t *v = NULL;
    if ((f->opts & CMDTAB_NULLABLE) && strcmp(s, "null") == 0)
        return json_null();
    switch (f->type) {
    case CMDTAB_INT:
        if (parse_int(s, &n) == 0)
            return json_integer(n);
        fail(err, "--%s expects an integer, got '%.40s'", f->flag, s);
        return NULL;
    case CMDTAB_BOOL:
        if (parse_bool(s, &b) == 0)
            return json_boolean(b);
        fail(err, "--%s expects true or false, got '%.40s'", f->flag, s);
        return NULL;
    case CMDTAB_TIME:
        return parse_int(s, &n) == 0 ? json_integer(n) : json_string(s);
    case CMDTAB_JSON: {
        json_error_t je;
        if ((v = json_loads(s, JSON_DECODE_ANY, &je)))
            return v;
        fail(err, "--%s expects JSON: %s", f->flag, je.text);
        return NULL;
    }
    default:
        if ((v = json_string(s)))
            return v;
        fail(err, "--%s expects UTF-8 text", f->flag);
        return NULL;
    }
}

// Sets obj[dotted.path] = v (takes v), creating intermediate objects.
static int set_path(json_t *obj, const char *path, json_t *v)
{
    const char *dot;
    char part[64];
    while ((dot = strchr(path, '.'))) {
        snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
        json_t *next = json_object_get(obj, part);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(obj, part, next);
        }
        obj = next;
        path = dot + 1;
    }
    return json_object_set_new(obj, path, v);
}

static int add_kv(json_t *body, const struct cmdtab_field *f, const char *s, char *err)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s) {
        fail(err, "--%s expects key=value, got '%.40s'", f->flag, s);
        return -1;
    }
    json_t *v = kv_value(eq + 1);
    if (!v) {
        fail(err, "--%s expects UTF-8 text", f->flag);
        return -1;
    }
    char path[128];
    snprintf(path, sizeof path, "%s.%.*s", f->json, (int)(eq - s), s);
    return set_path(body, path, v);
}

// ---- the command's flags ----

struct parse_state {
    const struct cmdtab_cmd *cmd;
    char params[ARGS_MAX_PARAMS][48];      // path parameter names, in order ("room_id")
    char param_flags[ARGS_MAX_PARAMS][48]; // the same as flags ("room-id")
    const char *param_vals[ARGS_MAX_PARAMS];
    size_t nparams;
    const char *positional[ARGS_MAX_PARAMS + 1];
    size_t npositional;
    json_t *body;
    sbuf query;
    unsigned char seen[64]; // body fields given, by index
};

// Collects "{name}" placeholders of the path template.
static void find_params(struct parse_state *ps)
{
    for (const char *p = ps->cmd->path ? ps->cmd->path : ""; (p = strchr(p, '{'));) {
        const char *end = strchr(p, '}');
        if (!end || ps->nparams == ARGS_MAX_PARAMS)
            break;
        size_t i = ps->nparams++;
        snprintf(ps->params[i], sizeof ps->params[i], "%.*s", (int)(end - p - 1), p + 1);
        memcpy(ps->param_flags[i], ps->params[i], sizeof ps->params[i]);
        for (char *c = ps->param_flags[i]; *c; c++)
            if (*c == '_')
                *c = '-';
        p = end;
    }
}

static const struct cmdtab_field *find_field(const struct cmdtab_field *fs, const char *name,
                                             size_t *index)
{
    for (size_t i = 0; fs && fs[i].flag; i++)
        if (strcmp(fs[i].flag, name) == 0) {
            *index = i;
            return &fs[i];
        }
    return NULL;
}

static int add_query(struct parse_state *ps, const struct cmdtab_field *f, const char *val,
                     char *err)
{
    json_t *v = typed_value(f, val, err);
    if (!v)
        return -1;
    char *esc = args_escape(json_is_string(v) ? json_string_value(v) : val);
    if (json_is_boolean(v)) {
        free(esc);
        esc = xstrdup(json_is_true(v) ? "true" : "false");
    }
    sbuf_printf(&ps->query, "%c%s=%s", ps->query.len ? '&' : '?', f->json, esc);
    free(esc);
    json_decref(v);
    return 0;
}

static int add_body(struct parse_state *ps, const struct cmdtab_field *f, size_t index,
                    const char *val, char *err)
{
    if (index < sizeof ps->seen)
        ps->seen[index] = 1;
    if (f->type == CMDTAB_KV)
        return add_kv(ps->body, f, val, err);
    json_t *v = typed_value(f, val, err);
    return v ? set_path(ps->body, f->json, v) : -1;
}

// A bool flag may stand alone; any other flag takes the next argument as its value.
static const char *take_value(const struct cmdtab_field *f, int argc, char **argv, int *i,
                              const char *inline_val, char *err)
{
    int b;
    if (inline_val)
        return inline_val;
    if (f->type == CMDTAB_BOOL && (*i + 1 >= argc || parse_bool(argv[*i + 1], &b)))
        return "true";
    if (*i + 1 >= argc) {
        fail(err, "--%s needs a value", f->flag);
        return NULL;
    }
    return argv[++*i];
}

static int take_param(struct parse_state *ps, const char *name, int argc, char **argv, int *i,
                      const char *inline_val, char *err)
{
    for (size_t k = 0; k < ps->nparams; k++) {
        if (strcmp(ps->param_flags[k], name) != 0)
            continue;
        if (!inline_val && *i + 1 >= argc) {
            fail(err, "--%s needs a value", name);
            return -1;
        }
        ps->param_vals[k] = inline_val ? inline_val : argv[++*i];
        return 1;
    }
    return 0;
}

static int take_flag(struct parse_state *ps, struct args_global *g, int argc, char **argv, int *i,
                     char *err)
{
    const char *inline_val, *val;
    char name[64];
    size_t index;
    const struct cmdtab_field *f;
    int r = args_global_flag(g, argc, argv, i, err);
    if (r)
        return r < 0 ? -1 : 0;
    flag_name(argv[*i], name, sizeof name, &inline_val);
    if ((r = take_param(ps, name, argc, argv, i, inline_val, err)))
        return r < 0 ? -1 : 0;
    if ((f = find_field(ps->cmd->body, name, &index))) {
        val = take_value(f, argc, argv, i, inline_val, err);
        return val ? add_body(ps, f, index, val, err) : -1;
    }
    if ((f = find_field(ps->cmd->query, name, &index))) {
        val = take_value(f, argc, argv, i, inline_val, err);
        return val ? add_query(ps, f, val, err) : -1;
    }
    fail(err, "unknown flag --%s", name);
    return -1;
}

// Positional arguments fill the path parameters not given as flags, in order.
static int bind_params(struct parse_state *ps, char *err)
{
    size_t next = 0;
    for (size_t k = 0; k < ps->nparams; k++) {
        if (ps->param_vals[k])
            continue;
        if (next == ps->npositional) {
            fail(err, "missing <%s> (an argument or --%s)", ps->params[k], ps->param_flags[k]);
            return -1;
        }
        ps->param_vals[k] = ps->positional[next++];
    }
    if (next < ps->npositional) {
        fail(err, "unexpected argument '%.60s'", ps->positional[next]);
        return -1;
    }
    return 0;
}

static int check_required(const struct parse_state *ps, char *err)
{
    const struct cmdtab_field *fs = ps->cmd->body;
    for (size_t i = 0; fs && fs[i].flag; i++)
        if ((fs[i].opts & CMDTAB_REQUIRED) && !ps->seen[i]) {
            fail(err, "missing --%s", fs[i].flag);
            return -1;
        }
    return 0;
}

static char *expand_path(const struct parse_state *ps)
{
    sbuf b;
    sbuf_init(&b);
    size_t k = 0;
    for (const char *p = ps->cmd->path ? ps->cmd->path : ""; *p;) {
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (!end || k >= ps->nparams) {
            sbuf_append(&b, p++, 1);
            continue;
        }
        char *esc = args_escape(ps->param_vals[k++]);
        sbuf_puts(&b, esc);
        free(esc);
        p = end + 1;
    }
    return sbuf_steal(&b);
}

static int scan(struct parse_state *ps, struct args_global *g, int argc, char **argv, char *err)
{
    int rest = 0;
    for (int i = 0; i < argc; i++) {
        if (!rest && strcmp(argv[i], "--") == 0) {
            rest = 1;
        } else if (!rest && (strncmp(argv[i], "--", 2) == 0 || strcmp(argv[i], "-h") == 0)) {
            if (take_flag(ps, g, argc, argv, &i, err))
                return -1;
        } else if (ps->npositional <= ARGS_MAX_PARAMS) {
            ps->positional[ps->npositional++] = argv[i];
        } else {
            fail(err, "unexpected argument '%.60s'", argv[i]);
            return -1;
        }
    }
    return 0;
}

int args_parse(const struct cmdtab_cmd *cmd, struct args_global *g, int argc, char **argv,
               struct args_req *out, char *err)
{
    struct parse_state ps = {.cmd = cmd};
    memset(out, 0, sizeof *out);
    find_params(&ps);
    ps.body = json_object();
    sbuf_init(&ps.query);
    int rc = scan(&ps, g, argc, argv, err);
    if (!rc && !g->help)
        rc = bind_params(&ps, err) || check_required(&ps, err) ? -1 : 0;
    if (rc || g->help) {
        json_decref(ps.body);
        sbuf_fini(&ps.query);
        return rc;
    }
    out->cmd = cmd;
    out->g = g;
    out->body = ps.body;
    out->path = expand_path(&ps);
    memcpy(out->params, ps.param_vals, sizeof out->params);
    out->query = sbuf_steal(&ps.query);
    return 0;
}

void args_req_fini(struct args_req *r)
{
    json_decref(r->body);
    free(r->path);
    free(r->query);
    memset(r, 0, sizeof *r);
}
