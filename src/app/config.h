// SPDX-License-Identifier: MIT
// voxd configuration: defaults, then a config file, then environment variables, then flags.
#ifndef VOX_APP_CONFIG_H
#define VOX_APP_CONFIG_H

#include <stdio.h>

struct app_config {
    char listen_host[64];
    int listen_port;
    char data_dir[512];
    char admin_token[256];
    char log_level[16];
    char log_format[8];
    char config_file[512];
    int presence_timeout_s;
    int stage_request_ttl_s;
    int stage_moderator_limit;
    int empty_timeout_s;
    int token_max_ttl_s;
    int join_timeout_s;
    char web_dir[512];
    int dev;
    int header_timeout_s;
    int idle_timeout_s;
    int max_connections;
    char cors_origin[512];
    char tls_cert[512];
    char tls_key[512];
    int media_workers;
    int rtc_port;
    char rtc_announce_ip[64];
};

enum config_result { CONFIG_OK, CONFIG_EXIT_OK, CONFIG_ERROR };

// Fills cfg from defaults, the config file (--config / VOX_CONFIG), the environment and argv.
// CONFIG_EXIT_OK after --help or --version (already printed); CONFIG_ERROR after printing why.
enum config_result config_load(struct app_config *cfg, int argc, char **argv);
void config_usage(FILE *out);

#endif
