// SPDX-License-Identifier: MIT
// Start-up order: logs, data dir, master key, store (migrations), API, HTTP listener, timers.
// Shutdown runs it backwards: stop accepting, close connections, let libuv close its handles,
// then close the store (which checkpoints the WAL).
#include "app/app.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "api/api.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/uuid.h"
#include "http/server.h"
#include "sfu/sfu.h"
#include "signal/hub.h"
#include "store/store.h"

struct app {
    uv_loop_t loop;
    uv_signal_t sigint, sigterm;
    uv_timer_t tick;
    uv_check_t flush; // commits each loop iteration's writes (group commit)
    http_server *http;
    api *api;
    struct hub *hub;
    struct sfu *sfu;
    store *st;
    int stopping;
};

// Reads data_dir/master.key, creating it (0600, 32 random bytes) on first start.
static int load_master_key(const char *dir, uint8_t key[32])
{
    char path[600];
    snprintf(path, sizeof path, "%s/master.key", dir);
    int fd = open(path, O_RDONLY);
    if (fd < 0 && errno == ENOENT) {
        uuid_random_bytes(key, 32);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 || write(fd, key, 32) != 32) {
            log_error("cannot write master key", "path=%s error=\"%s\"", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        close(fd);
        log_info("created master key", "path=%s", path);
        return 0;
    }
    if (fd < 0 || read(fd, key, 32) != 32) {
        log_error("cannot read master key", "path=%s", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

// Each connection is a descriptor: raise the soft limit toward --max-connections (plus room
// for the store and logs), up to the hard limit, and say so when the hard limit is lower.
static void raise_fd_limit(int max_connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl))
        return;
    rlim_t want = (rlim_t)max_connections + 64;
    if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
        want = rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < (rlim_t)max_connections + 64)
        log_warn("descriptor limit is below --max-connections", "nofile=%llu max_connections=%d",
                 (unsigned long long)rl.rlim_cur, max_connections);
}

static void on_tick(uv_timer_t *t)
{
    struct app *a = t->data;
    api_tick(a->api, clock_now_ms());
}

static void on_flush(uv_check_t *h)
{
    struct app *a = h->data;
    api_flush(a->api);
    http_server_flush(a->http);
}

static void on_signal(uv_signal_t *h, int signum)
{
    struct app *a = h->data;
    if (a->stopping)
        return;
    a->stopping = 1;
    log_info("shutting down", "signal=%d", signum);
    http_server_stop(a->http);
    uv_timer_stop(&a->tick);
    uv_close((uv_handle_t *)&a->tick, NULL);
    uv_check_stop(&a->flush);
    uv_close((uv_handle_t *)&a->flush, NULL);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
}

static int setup_logging(const struct app_config *cfg)
{
    enum log_level lvl;
    if (log_level_parse(cfg->log_level, &lvl)) {
        fprintf(stderr, "voxd: unknown log level \"%s\"\n", cfg->log_level);
        return -1;
    }
    if (strcmp(cfg->log_format, "text") && strcmp(cfg->log_format, "json")) {
        fprintf(stderr, "voxd: log format must be text or json\n");
        return -1;
    }
    log_setup(lvl, strcmp(cfg->log_format, "json") == 0 ? LOG_JSON : LOG_TEXT);
    return 0;
}

static int open_store(const struct app_config *cfg, struct api_config *acfg, store **st)
{
    if (mkdir(cfg->data_dir, 0700) && errno != EEXIST) {
        log_error("cannot create data dir", "path=%s error=\"%s\"", cfg->data_dir, strerror(errno));
        return -1;
    }
    if (load_master_key(cfg->data_dir, acfg->master_key))
        return -1;
    char path[600];
    snprintf(path, sizeof path, "%s/vox.db", cfg->data_dir);
    return store_open_sqlite(path, st) ? -1 : 0;
}

// The media workers: one per core unless --media-workers says otherwise, on consecutive UDP
// ports from --rtc-port, bound to the --listen host.
static int start_media(struct app *a, const struct app_config *cfg)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct sfu_config sc = {
        .workers = cfg->media_workers ? cfg->media_workers : (int)(cores > 0 ? cores : 1),
        .bind_ip = cfg->listen_host,
        .port = cfg->rtc_port,
        .announce_ip = cfg->rtc_announce_ip[0] ? cfg->rtc_announce_ip : NULL,
    };
    char err[160];
    a->sfu = sfu_new(&a->loop, &sc, &hub_sfu_events, a->hub, err, sizeof err);
    if (!a->sfu) {
        log_error("cannot start the media plane", "reason=\"%s\"", err);
        return -1;
    }
    hub_set_sfu(a->hub, a->sfu);
    log_info("media workers started", "workers=%d first_udp_port=%d announce=%s",
             sfu_worker_count(a->sfu), sfu_worker_port(a->sfu, 0),
             sc.announce_ip ? sc.announce_ip : sc.bind_ip);
    return 0;
}

int app_run(const struct app_config *cfg)
{
    struct app a = {0};
    struct api_config acfg = {
        .admin_token = cfg->admin_token,
        .presence_timeout_s = cfg->presence_timeout_s,
        .stage_request_ttl_s = cfg->stage_request_ttl_s,
        .stage_moderator_limit = cfg->stage_moderator_limit,
        .default_empty_timeout_s = cfg->empty_timeout_s,
        .token_max_ttl_s = cfg->token_max_ttl_s,
        .join_timeout_s = cfg->join_timeout_s,
        .web_dir = cfg->web_dir[0] ? cfg->web_dir : NULL,
        .dev = cfg->dev,
    };
    if (cfg->dev && strncmp(cfg->listen_host, "127.", 4) != 0) {
        fprintf(stderr, "voxd: --dev is allowed only on a loopback address\n");
        return 2;
    }
    if (setup_logging(cfg) || open_store(cfg, &acfg, &a.st))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit(cfg->max_connections);
    uv_loop_init(&a.loop);
    a.api = api_new(a.st, &acfg);
    a.hub = hub_new(a.api);
    api_set_live(a.api, &hub_live_ops, a.hub);
    struct http_server_config hcfg = {.host = cfg->listen_host,
                                      .port = cfg->listen_port,
                                      .dispatch = api_dispatch,
                                      .defer = api_defer,
                                      .commit = api_commit,
                                      .ws = {.ws_check = hub_ws_check,
                                             .ws_open = hub_ws_open,
                                             .ws_message = hub_ws_message,
                                             .ws_ping = hub_ws_ping,
                                             .ws_closed = hub_ws_closed,
                                             .user = a.hub},
                                      .user = a.api,
                                      .header_timeout_s = cfg->header_timeout_s,
                                      .idle_timeout_s = cfg->idle_timeout_s,
                                      .max_connections = cfg->max_connections,
                                      .cors_origins = cfg->cors_origin,
                                      .tls_cert = cfg->tls_cert,
                                      .tls_key = cfg->tls_key};
    if (http_server_new(&a.loop, &hcfg, &a.http)) {
        log_error("cannot listen", "host=%s port=%d", cfg->listen_host, cfg->listen_port);
        hub_free(a.hub);
        api_free(a.api);
        store_close(a.st);
        uv_loop_close(&a.loop);
        return 1;
    }
    if (start_media(&a, cfg)) {
        http_server_free(a.http);
        uv_run(&a.loop, UV_RUN_DEFAULT);
        hub_free(a.hub);
        api_free(a.api);
        store_close(a.st);
        uv_loop_close(&a.loop);
        return 1;
    }
    uv_signal_init(&a.loop, &a.sigint);
    uv_signal_init(&a.loop, &a.sigterm);
    a.sigint.data = a.sigterm.data = &a;
    uv_signal_start(&a.sigint, on_signal, SIGINT);
    uv_signal_start(&a.sigterm, on_signal, SIGTERM);
    uv_check_init(&a.loop, &a.flush);
    a.flush.data = &a;
    uv_check_start(&a.flush, on_flush);
    uv_timer_init(&a.loop, &a.tick);
    a.tick.data = &a;
    uv_timer_start(&a.tick, on_tick, 1000, 1000);
    log_info("voxd listening", "addr=%s://%s:%d data_dir=%s admin=%s",
             cfg->tls_cert[0] ? "https" : "http", cfg->listen_host, cfg->listen_port, cfg->data_dir,
             cfg->admin_token[0] ? "on" : "off");

    uv_run(&a.loop, UV_RUN_DEFAULT);
    http_server_free(a.http);
    uv_run(&a.loop, UV_RUN_DEFAULT);
    api_set_live(a.api, NULL, NULL);
    hub_free(a.hub); // after the HTTP server: its sockets' media went with them
    sfu_free(a.sfu);
    uv_run(&a.loop, UV_RUN_DEFAULT); // the sfu's mailbox handle closes
    api_free(a.api);
    store_close(a.st);
    if (uv_loop_close(&a.loop))
        log_warn("loop closed with open handles", NULL);
    log_info("voxd stopped", NULL);
    return 0;
}
