// SPDX-License-Identifier: MIT
// Renders answers for people (aligned tables, key: value lines) or for scripts (--json, the
// server's JSON pretty-printed in the server's member order).
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/sbuf.h"

#define CELL_MAX 60 // a table cell longer than this is cut with "..."

// A value as one line of text (malloc'd): strings as is with control characters shown as
// '?', null as "-", objects and arrays as compact JSON.
static char *cell_text(const json_t *v)
{
    char buf[64];
    switch (json_typeof(v)) {
    case JSON_STRING: {
        char *s = xstrdup(json_string_value(v));
        for (char *p = s; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f)
                *p = '?';
        return s;
    }
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return xstrdup(buf);
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%g", json_real_value(v));
        return xstrdup(buf);
    case JSON_TRUE:
        return xstrdup("true");
    case JSON_FALSE:
        return xstrdup("false");
    case JSON_NULL:
        return xstrdup("-");
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        return s ? s : xstrdup("?");
    }
    }
}

// Follows a dotted path ("grants.role") into v; NULL when absent.
static const json_t *lookup(const json_t *v, const char *path)
{
    char part[64];
    const char *dot;
    while (v && (dot = strchr(path, '.'))) {
        snprintf(part, sizeof part, "%.*s", (int)(dot - path), path);
        v = json_object_get(v, part);
        path = dot + 1;
    }
    return v ? json_object_get(v, path) : NULL;
}

// Text with fixed rows x cols cells, printed with columns padded to their widest cell.
struct grid {
    size_t rows, cols;
    char **cells;
};

static void grid_print(const struct grid *g, const char *sep)
{
    size_t width[16] = {0};
    for (size_t r = 0; r < g->rows; r++)
        for (size_t c = 0; c < g->cols && c < 16; c++) {
            size_t n = strlen(g->cells[r * g->cols + c]);
            if (n > width[c])
                width[c] = n;
        }
    for (size_t r = 0; r < g->rows; r++) {
        for (size_t c = 0; c < g->cols; c++) {
            const char *s = g->cells[r * g->cols + c];
            if (c + 1 == g->cols)
                printf("%s\n", s);
            else
                printf("%-*s%s", (int)(c < 16 ? width[c] : 0), s, sep);
        }
    }
}

static void grid_free(struct grid *g)
{
    for (size_t i = 0; i < g->rows * g->cols; i++)
        free(g->cells[i]);
    free(g->cells);
}

static char *clip(char *s)
{
    if (strlen(s) > CELL_MAX)
        memcpy(s + CELL_MAX - 3, "...", 4);
    return s;
}

static void print_table(const struct cmdtab_col *cols, const json_t *items)
{
    struct grid g = {.rows = json_array_size(items) + 1};
    while (cols[g.cols].head)
        g.cols++;
    g.cells = xcalloc(g.rows * g.cols, sizeof *g.cells);
    for (size_t c = 0; c < g.cols; c++)
        g.cells[c] = xstrdup(cols[c].head);
    for (size_t r = 1; r < g.rows; r++) {
        const json_t *item = json_array_get(items, r - 1);
        for (size_t c = 0; c < g.cols; c++) {
            const json_t *v = lookup(item, cols[c].path);
            g.cells[r * g.cols + c] = v ? clip(cell_text(v)) : xstrdup("-");
        }
    }
    grid_print(&g, "  ");
    grid_free(&g);
}

static int is_object_list(const json_t *v)
{
    return json_is_array(v) && json_is_object(json_array_get(v, 0));
}

// Flattens objects into "a.b" keys; scalars and arrays of scalars become one line each, and
// arrays of objects go to tables (to be printed as sub-tables).
static void flatten(const json_t *v, const char *prefix, json_t *pairs, json_t *tables)
{
    const char *k;
    json_t *m;
    json_object_foreach((json_t *)v, k, m)
    {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(m) && json_object_size(m))
            flatten(m, path, pairs, tables);
        else if (is_object_list(m))
            json_object_set(tables, path, m);
        else
            json_array_append_new(pairs, json_pack("[s,O]", path, m));
    }
}

#define SUBTABLE_COLS 8

// A table whose columns are the members of the first item (at most SUBTABLE_COLS).
static void print_subtable(const char *name, const json_t *items)
{
    struct cmdtab_col cols[SUBTABLE_COLS + 1] = {{0}};
    char heads[SUBTABLE_COLS][64];
    const char *k;
    json_t *m;
    size_t n = 0;
    json_object_foreach(json_array_get(items, 0), k, m)
    {
        if (n == SUBTABLE_COLS)
            break;
        snprintf(heads[n], sizeof heads[n], "%s", k);
        for (char *c = heads[n]; *c; c++)
            *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        cols[n].head = heads[n];
        cols[n].path = k;
        n++;
    }
    printf("\n%s:\n", name);
    print_table(cols, items);
}

static void print_object(const json_t *obj)
{
    json_t *pairs = json_array(), *tables = json_object(), *items;
    const char *name;
    flatten(obj, "", pairs, tables);
    struct grid g = {.rows = json_array_size(pairs), .cols = 2};
    g.cells = xcalloc(g.rows * 2 + 1, sizeof *g.cells);
    for (size_t r = 0; r < g.rows; r++) {
        const json_t *p = json_array_get(pairs, r);
        sbuf key;
        sbuf_init(&key);
        sbuf_printf(&key, "%s:", json_string_value(json_array_get(p, 0)));
        g.cells[r * 2] = sbuf_steal(&key);
        g.cells[r * 2 + 1] = cell_text(json_array_get(p, 1));
    }
    grid_print(&g, " ");
    grid_free(&g);
    json_object_foreach(tables, name, items) print_subtable(name, items);
    json_decref(pairs);
    json_decref(tables);
}

static void print_pretty(const json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_ENCODE_ANY);
    if (s)
        printf("%s\n", s);
    free(s);
}

// The list inside an answer: the answer itself when it is an array, else its first array
// member ({"rooms": [...], "limit": 50, ...}).
static const json_t *find_items(const json_t *v)
{
    const char *k;
    json_t *m;
    if (json_is_array(v))
        return v;
    json_object_foreach((json_t *)v, k, m) if (json_is_array(m)) return m;
    return NULL;
}

static void add_channel_rows(json_t *rows, const char *category, const json_t *channels)
{
    size_t i;
    json_t *ch;
    json_array_foreach(channels, i, ch)
    {
        json_t *row = json_deep_copy(ch);
        json_object_set_new(row, "category", json_string(category));
        json_array_append_new(rows, row);
    }
}

void output_channels(const json_t *answer)
{
    static const struct cmdtab_col cols[] = {{"CATEGORY", "category"},
                                             {"ID", "id"},
                                             {"NAME", "name"},
                                             {"TYPE", "type"},
                                             {"PARTICIPANTS", "participant_count"},
                                             {NULL, NULL}};
    json_t *rows = json_array(), *cat;
    size_t i;
    json_array_foreach(json_object_get(answer, "categories"), i, cat) add_channel_rows(
        rows, json_string_value(json_object_get(cat, "name")), json_object_get(cat, "channels"));
    add_channel_rows(rows, "-", json_object_get(answer, "uncategorized"));
    print_table(cols, rows);
    json_decref(rows);
    if (json_is_true(json_object_get(answer, "truncated")))
        fprintf(stderr, "(truncated: more channels than one listing returns)\n");
}

void output_value(const struct cmdtab_cmd *cmd, int json_mode, const json_t *v)
{
    const json_t *items = cmd->cols ? find_items(v) : NULL;
    if (json_mode)
        print_pretty(v);
    else if (cmd->print)
        cmd->print(v);
    else if (items)
        print_table(cmd->cols, items);
    else if (json_is_object(v))
        print_object(v);
    else
        print_pretty(v);
}

void output_error(const char *code, const char *message, const char *field)
{
    fprintf(stderr, "error: %s: %s", code, message);
    if (field && *field)
        fprintf(stderr, " (field: %s)", field);
    fputc('\n', stderr);
}

static int print_error_answer(int json_mode, long status, const char *body, const json_t *v)
{
    const json_t *e = json_object_get(v, "error");
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    if (json_mode && v)
        print_pretty(v);
    if (code) {
        output_error(code, msg ? msg : "", json_string_value(json_object_get(e, "field")));
    } else {
        char c[32];
        snprintf(c, sizeof c, "http_%ld", status);
        output_error(c, body && *body ? body : "no message", NULL);
    }
    return 1;
}

int output_answer(const struct cmdtab_cmd *cmd, int json_mode, long status, const char *body,
                  size_t len, const char *content_type)
{
    json_error_t je;
    int is_json = strstr(content_type, "json") != NULL;
    json_t *v = is_json && len ? json_loadb(body, len, JSON_DECODE_ANY, &je) : NULL;
    int rc = 0;
    if (status < 200 || status >= 300)
        rc = print_error_answer(json_mode, status, body, v);
    else if (!len)
        fputs(json_mode ? "" : "ok\n", stdout);
    else if (!v)
        fwrite(body, 1, len, stdout);
    else
        output_value(cmd, json_mode, v);
    json_decref(v);
    return rc;
}
