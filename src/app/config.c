// SPDX-License-Identifier: MIT
// One table describes every option once: its flag, environment variable, config file key and
// help line, so --help, the file parser and the env reader cannot disagree.
#include "app/config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum opt_type { OPT_STR, OPT_INT, OPT_LISTEN };

struct opt {
    const char *flag; // without the leading "--"
    const char *env;
    enum opt_type type;
    size_t offset;
    size_t size; // OPT_STR buffer size
    int min, max;
    const char *help;
};

#define STR(field)                                                                                 \
    OPT_STR, offsetof(struct app_config, field), sizeof(((struct app_config *)0)->field)
#define INT(field) OPT_INT, offsetof(struct app_config, field), 0

static const struct opt opts[] = {
    {"listen", "VOX_LISTEN", OPT_LISTEN, 0, 0, 0, 0,
     "HOST:PORT to serve HTTP and WebSocket on (default 127.0.0.1:8080)"},
    {"data-dir", "VOX_DATA_DIR", STR(data_dir), 0, 0,
     "directory for the SQLite database and the master key (default ./data)"},
    {"admin-token", "VOX_ADMIN_TOKEN", STR(admin_token), 0, 0,
     "bootstrap admin credential for /v1/orgs (default: none, admin routes off)"},
    {"log-level", "VOX_LOG_LEVEL", STR(log_level), 0, 0, "debug, info, warn or error (info)"},
    {"log-format", "VOX_LOG_FORMAT", STR(log_format), 0, 0, "text or json (text)"},
    {"presence-timeout", "VOX_PRESENCE_TIMEOUT", INT(presence_timeout_s), 1, 86400,
     "seconds a disconnected participant is kept before it leaves (60)"},
    {"stage-request-ttl", "VOX_STAGE_REQUEST_TTL", INT(stage_request_ttl_s), 1, 86400,
     "seconds a pending stage request lives (300)"},
    {"stage-moderator-limit", "VOX_STAGE_MODERATOR_LIMIT", INT(stage_moderator_limit), 1, 1000,
     "most moderators on one stage (10)"},
    {"empty-timeout", "VOX_EMPTY_TIMEOUT", INT(empty_timeout_s), 0, 86400,
     "default seconds a persistent room's session outlives its last leave (30)"},
    {"token-max-ttl", "VOX_TOKEN_MAX_TTL", INT(token_max_ttl_s), 10, 30 * 86400,
     "longest lifetime POST /v1/tokens mints, seconds (86400)"},
    {"join-timeout", "VOX_JOIN_TIMEOUT", INT(join_timeout_s), 1, 3600,
     "seconds a WebSocket may stay open without sending join (30)"},
    {"web-dir", "VOX_WEB_DIR", STR(web_dir), 0, 0,
     "directory served at / (browser SDK, demo app; default: the source tree's web/)"},
    {"dev", "VOX_DEV", INT(dev), 0, 1,
     "1 = dev mode: POST /dev/token mints tokens without a key (loopback only) (0)"},
    {"header-timeout", "VOX_HEADER_TIMEOUT", INT(header_timeout_s), 1, 3600,
     "seconds a request may take to arrive whole, from its first byte; then 408 (10)"},
    {"idle-timeout", "VOX_IDLE_TIMEOUT", INT(idle_timeout_s), 1, 86400,
     "seconds an idle keep-alive connection is kept open (60)"},
    {"max-connections", "VOX_MAX_CONNECTIONS", INT(max_connections), 1, 1000000,
     "open HTTP and WebSocket connections at most; more are answered 503 (10000)"},
    {"cors-origin", "VOX_CORS_ORIGIN", STR(cors_origin), 0, 0,
     "comma-separated Origins allowed to call the API from a browser, or * (default: none)"},
    {"tls-cert", "VOX_TLS_CERT", STR(tls_cert), 0, 0,
     "PEM certificate chain: serve HTTPS and WSS (needs --tls-key)"},
    {"tls-key", "VOX_TLS_KEY", STR(tls_key), 0, 0, "PEM private key for --tls-cert"},
    {"media-workers", "VOX_MEDIA_WORKERS", INT(media_workers), 0, 64,
     "media worker threads, each with its own UDP port; 0 = one per core (0)"},
    {"rtc-port", "VOX_RTC_PORT", INT(rtc_port), 0, 65535,
     "UDP port of the first media worker; worker i uses rtc-port + i; 0 = any free (7882)"},
    {"rtc-announce-ip", "VOX_RTC_ANNOUNCE_IP", STR(rtc_announce_ip), 0, 0,
     "address put in ICE candidates, for a 1:1 NAT (default: the --listen host)"},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void defaults(struct app_config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->listen_host, "127.0.0.1");
    c->listen_port = 8080;
    strcpy(c->data_dir, "./data");
    strcpy(c->log_level, "info");
    strcpy(c->log_format, "text");
    c->presence_timeout_s = 60;
    c->stage_request_ttl_s = 300;
    c->stage_moderator_limit = 10;
    c->empty_timeout_s = 30;
    c->token_max_ttl_s = 86400;
    c->join_timeout_s = 30;
    c->header_timeout_s = 10;
    c->idle_timeout_s = 60;
    c->max_connections = 10000;
    c->rtc_port = 7882;
#ifdef VOX_WEB_DIR
    snprintf(c->web_dir, sizeof c->web_dir, "%s", VOX_WEB_DIR);
#endif
}

void config_usage(FILE *out)
{
    fprintf(out, "usage: voxd [options]\n\n"
                 "Self-hosted real-time voice and video server.\n\n"
                 "Options (each also read from the environment variable shown, and from the\n"
                 "config file as `name = value` lines; flags win over the environment, which\n"
                 "wins over the file):\n"
                 "  --config FILE          config file (VOX_CONFIG)\n");
    for (size_t i = 0; i < NOPTS; i++)
        fprintf(out, "  --%-20s %s (%s)\n", opts[i].flag, opts[i].help, opts[i].env);
    fprintf(out,
            "  --help                 this text\n  --version              print the version\n");
}

static int set_listen(struct app_config *c, const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v || (size_t)(colon - v) >= sizeof c->listen_host)
        return -1;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535)
        return -1;
    memcpy(c->listen_host, v, (size_t)(colon - v));
    c->listen_host[colon - v] = '\0';
    c->listen_port = (int)port;
    return 0;
}

static int set_opt(struct app_config *c, const struct opt *o, const char *v, const char *from)
{
    char *base = (char *)c;
    if (o->type == OPT_LISTEN) {
        if (set_listen(c, v) == 0)
            return 0;
        fprintf(stderr, "voxd: %s: --listen wants HOST:PORT, got \"%s\"\n", from, v);
        return -1;
    }
    if (o->type == OPT_STR) {
        if (strlen(v) >= o->size) {
            fprintf(stderr, "voxd: %s: value for --%s is too long\n", from, o->flag);
            return -1;
        }
        strcpy(base + o->offset, v);
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !*v || *end || n < o->min || n > o->max) {
        fprintf(stderr, "voxd: %s: --%s wants an integer in %d..%d, got \"%s\"\n", from, o->flag,
                o->min, o->max, v);
        return -1;
    }
    *(int *)(base + o->offset) = (int)n;
    return 0;
}

static const struct opt *find_opt(const char *name)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (strcmp(opts[i].flag, name) == 0)
            return &opts[i];
    return NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int load_file(struct app_config *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "voxd: cannot read config file %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        char where[600];
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        if (!eq) {
            fprintf(stderr, "voxd: %s: expected name = value\n", where);
            rc = -1;
            break;
        }
        *eq = '\0';
        const struct opt *o = find_opt(trim(s));
        if (!o) {
            fprintf(stderr, "voxd: %s: unknown option \"%s\"\n", where, trim(s));
            rc = -1;
            break;
        }
        rc = set_opt(c, o, trim(eq + 1), where);
    }
    fclose(f);
    return rc;
}

static const char *config_path(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
    }
    return getenv("VOX_CONFIG");
}

static enum config_result parse_args(struct app_config *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            config_usage(stdout);
            return CONFIG_EXIT_OK;
        }
        if (strcmp(a, "--version") == 0) {
            printf("voxd 0.1.0\n");
            return CONFIG_EXIT_OK;
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "voxd: unexpected argument \"%s\" (see --help)\n", a);
            return CONFIG_ERROR;
        }
        char name[64];
        const char *val = strchr(a, '=');
        size_t nl = val ? (size_t)(val - a - 2) : strlen(a + 2);
        snprintf(name, sizeof name, "%.*s", (int)nl, a + 2);
        const struct opt *o = find_opt(name);
        int is_switch = o && o->type == OPT_INT && o->min == 0 && o->max == 1;
        if (val)
            val++;
        else if (is_switch && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0))
            val = "1"; // a bare on/off switch: --dev
        else if (i + 1 < argc)
            val = argv[++i];
        if (strcmp(name, "config") == 0)
            continue;
        if (!o || !val) {
            fprintf(stderr, "voxd: %s option \"%s\" (see --help)\n",
                    o ? "missing value for" : "unknown", a);
            return CONFIG_ERROR;
        }
        if (set_opt(c, o, val, "flag"))
            return CONFIG_ERROR;
    }
    return CONFIG_OK;
}

enum config_result config_load(struct app_config *c, int argc, char **argv)
{
    defaults(c);
    const char *file = config_path(argc, argv);
    if (file) {
        snprintf(c->config_file, sizeof c->config_file, "%s", file);
        if (load_file(c, file))
            return CONFIG_ERROR;
    }
    for (size_t i = 0; i < NOPTS; i++) {
        const char *v = getenv(opts[i].env);
        if (v && set_opt(c, &opts[i], v, opts[i].env))
            return CONFIG_ERROR;
    }
    return parse_args(c, argc, argv);
}
