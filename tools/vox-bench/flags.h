// SPDX-License-Identifier: MIT
// vox-bench's command line: the server, its credentials, the scenario and its size.
#ifndef VOX_BENCH_FLAGS_H
#define VOX_BENCH_FLAGS_H

#include <stdbool.h>

enum flags_scenario {
    SCENARIO_SPEAKER_LISTENERS, // k speakers (1 by default) to N listeners, audio
    SCENARIO_MEETING,           // N participants, each publishing and receiving all others
    SCENARIO_STAGE,             // k speakers (3), N listeners whose joins all start at once
};

struct flags {
    char host[64]; // from --url http://HOST:PORT (an IPv4 address: only loopback is meant)
    int port;
    const char *admin_token; // creates an org, then the room(s)
    const char *key_id;      // or an existing org's api key...
    const char *secret;      //
    const char *room;        // ...and room
    enum flags_scenario scenario;
    int listeners;        // -n: listeners, or meeting participants
    int speakers;         // --speakers
    int talkers;          // speakers per room (meeting: participants) sending the tone
    int seconds;          // measurement window
    int warmup;           // seconds between "everyone receives" and the window
    int join_timeout;     // seconds the joining phases may take
    int join_concurrency; // listeners joining at once (0: all)
    int room_size;        // most participants per room (voxd: 1,000 for a stage)
    int decode;           // subscribers whose Opus is decoded
    int voxd_pid;         // measured from /proc when set
    bool video;           // publishers also send a video track
    bool json;            // the report as JSON
    bool quiet;           // no progress lines on stderr
};

// Fills f from argv. 0 to run; 1 when --help printed the usage (exit 0); -1 after an error
// was printed to stderr (exit 2).
int flags_parse(struct flags *f, int argc, char **argv);

// "speaker-listeners", "meeting", "stage".
const char *flags_scenario_name(enum flags_scenario s);

#endif
