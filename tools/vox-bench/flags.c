// SPDX-License-Identifier: MIT
// vox-bench's flags: a table of {name, kind, member}, checked before anything is sent.
#include "flags.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_STR, K_INT, K_BOOL, K_SCENARIO };

struct flag {
    const char *name;
    enum kind kind;
    size_t off;
    int min, max; // K_INT
};

#define F(m) offsetof(struct flags, m)

static const struct flag flag_table[] = {
    {"admin-token", K_STR, F(admin_token), 0, 0},
    {"key-id", K_STR, F(key_id), 0, 0},
    {"secret", K_STR, F(secret), 0, 0},
    {"room", K_STR, F(room), 0, 0},
    {"scenario", K_SCENARIO, F(scenario), 0, 0},
    {"n", K_INT, F(listeners), 1, 5000},
    {"speakers", K_INT, F(speakers), 1, 16},
    {"talkers", K_INT, F(talkers), 0, 5000},
    {"seconds", K_INT, F(seconds), 1, 60},
    {"warmup", K_INT, F(warmup), 0, 30},
    {"join-timeout", K_INT, F(join_timeout), 1, 60},
    {"join-concurrency", K_INT, F(join_concurrency), 0, 5000},
    {"room-size", K_INT, F(room_size), 2, 1000},
    {"decode", K_INT, F(decode), 0, 100},
    {"voxd-pid", K_INT, F(voxd_pid), 1, 1 << 30},
    {"video", K_BOOL, F(video), 0, 0},
    {"json", K_BOOL, F(json), 0, 0},
    {"quiet", K_BOOL, F(quiet), 0, 0},
};

static const char *const scenario_names[] = {"speaker-listeners", "meeting", "stage"};

const char *flags_scenario_name(enum flags_scenario s)
{
    return s <= SCENARIO_STAGE ? scenario_names[s] : "unknown";
}

static void usage(void)
{
    puts("usage: vox-bench --url http://127.0.0.1:PORT (--admin-token T | --key-id K --secret S\n"
         "                 --room ROOM) [--scenario speaker-listeners|meeting|stage] [-n N]\n"
         "                 [--speakers K] [--seconds S] [--video] [--voxd-pid PID] [--json]\n"
         "\n"
         "Synthetic WebRTC participants for voxd's media plane: each joins over the public\n"
         "REST and WebSocket protocol, runs ICE, DTLS and SRTP, publishes real Opus frames\n"
         "(and video-sized packets with --video) and receives what voxd forwards; the report\n"
         "gives join-to-first-audio times, per-stream loss and jitter, packets per second and\n"
         "voxd's CPU and memory from /proc.\n"
         "\n"
         "  --url URL             voxd's HTTP address (an IPv4 host; default 127.0.0.1:8080)\n"
         "  --admin-token T       create an org and the room(s) for the run\n"
         "  --key-id K --secret S an existing api key, with --room ROOM (one room)\n"
         "  --scenario NAME       speaker-listeners (default), meeting, stage\n"
         "  -n N                  listeners (default 100; stage 1000), or meeting size (10)\n"
         "  --speakers K          speakers (default 1; stage 3)\n"
         "  --talkers T           speakers per room (meeting: participants) sending the tone;\n"
         "                        the others send Opus DTX silence, a frame per 400 ms\n"
         "                        (default all; stage 1)\n"
         "  --seconds S           measurement window, at most 60 (default 10)\n"
         "  --warmup S            seconds between full reception and the window (default 2)\n"
         "  --join-timeout S      limit of each joining phase (default 30)\n"
         "  --join-concurrency C  listeners joining at once, 0 = all (default 100; stage 0)\n"
         "  --room-size M         participants per room; more listeners use more rooms, each\n"
         "                        with its own speakers (default 1000, voxd's stage limit)\n"
         "  --decode D            subscribers whose Opus is decoded and checked (default 1)\n"
         "  --video               publishers also send a VP8-sized track (300 packets/s)\n"
         "  --voxd-pid PID        measure voxd's CPU (all threads) and RSS from /proc\n"
         "  --json                print the report as JSON\n"
         "  --quiet               no progress lines on stderr");
}

static int parse_url(struct flags *f, const char *url)
{
    const char *p = url;
    if (strncmp(p, "http://", 7) == 0)
        p += 7;
    const char *colon = strchr(p, ':');
    size_t hl = colon ? (size_t)(colon - p) : strcspn(p, "/");
    if (hl == 0 || hl >= sizeof f->host)
        return -1;
    memcpy(f->host, p, hl);
    f->host[hl] = '\0';
    f->port = 80;
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (v < 1 || v > 65535 || (*end && *end != '/'))
            return -1;
        f->port = (int)v;
    }
    return 0;
}

static const struct flag *find_flag(const char *name)
{
    for (size_t i = 0; i < sizeof flag_table / sizeof flag_table[0]; i++)
        if (strcmp(flag_table[i].name, name) == 0)
            return &flag_table[i];
    return NULL;
}

static int set_flag(struct flags *f, const struct flag *fl, const char *v)
{
    char *base = (char *)f + fl->off;
    switch (fl->kind) {
    case K_STR:
        *(const char **)base = v;
        return 0;
    case K_INT: {
        char *end;
        long n = strtol(v, &end, 10);
        if (*v == '\0' || *end || n < fl->min || n > fl->max) {
            fprintf(stderr, "vox-bench: --%s must be an integer from %d to %d\n", fl->name, fl->min,
                    fl->max);
            return -1;
        }
        *(int *)base = (int)n;
        return 0;
    }
    case K_SCENARIO:
        for (int s = 0; s <= SCENARIO_STAGE; s++)
            if (strcmp(v, scenario_names[s]) == 0) {
                *(enum flags_scenario *)base = (enum flags_scenario)s;
                return 0;
            }
        fprintf(stderr, "vox-bench: --scenario is speaker-listeners, meeting or stage\n");
        return -1;
    case K_BOOL:
        *(bool *)base = true;
        return 0;
    }
    return -1;
}

// Scenario defaults for whatever the command line left unset (-1).
static void apply_defaults(struct flags *f)
{
    bool stage = f->scenario == SCENARIO_STAGE, meeting = f->scenario == SCENARIO_MEETING;
    if (f->listeners < 0)
        f->listeners = stage ? 1000 : meeting ? 10 : 100;
    if (f->speakers < 0)
        f->speakers = stage ? 3 : 1;
    if (f->join_concurrency < 0)
        f->join_concurrency = stage || meeting ? 0 : 100;
    if (f->talkers < 0)
        f->talkers = stage ? 1 : meeting ? f->listeners : f->speakers; // a stage has one voice
    if (meeting)
        f->video = true; // every meeting participant sends audio and video
}

static int check(const struct flags *f)
{
    if (!f->admin_token && !(f->key_id && f->secret && f->room)) {
        fprintf(stderr, "vox-bench: give --admin-token, or --key-id, --secret and --room\n");
        return -1;
    }
    if (f->scenario == SCENARIO_MEETING && (f->listeners < 2 || f->listeners > 16)) {
        fprintf(stderr, "vox-bench: a meeting has 2 to 16 participants (-n)\n");
        return -1;
    }
    if (f->scenario != SCENARIO_MEETING && f->speakers >= f->room_size) {
        fprintf(stderr, "vox-bench: --speakers must leave room for listeners (--room-size)\n");
        return -1;
    }
    return 0;
}

int flags_parse(struct flags *f, int argc, char **argv)
{
    memset(f, 0, sizeof *f);
    snprintf(f->host, sizeof f->host, "127.0.0.1");
    f->port = 8080;
    f->listeners = f->speakers = f->join_concurrency = f->talkers = -1;
    f->seconds = 10;
    f->warmup = 2;
    f->join_timeout = 30;
    f->room_size = 1000;
    f->decode = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 1;
        }
        if (strcmp(a, "--url") == 0 && i + 1 < argc) {
            if (parse_url(f, argv[++i])) {
                fprintf(stderr, "vox-bench: --url must be http://HOST:PORT\n");
                return -1;
            }
            continue;
        }
        const char *name = a[0] == '-' && a[1] == '-' ? a + 2 : a[0] == '-' ? a + 1 : NULL;
        const struct flag *fl = name ? find_flag(name) : NULL;
        if (!fl) {
            fprintf(stderr, "vox-bench: unknown argument %s (see --help)\n", a);
            return -1;
        }
        if (fl->kind == K_BOOL) {
            set_flag(f, fl, "");
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "vox-bench: --%s needs a value\n", fl->name);
            return -1;
        }
        if (set_flag(f, fl, argv[++i]))
            return -1;
    }
    apply_defaults(f);
    return check(f);
}
