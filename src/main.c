// SPDX-License-Identifier: MIT
// voxd: argv and config to app_run(); nothing else.
#include "app/app.h"
#include "app/config.h"

int main(int argc, char **argv)
{
    struct app_config cfg;
    switch (config_load(&cfg, argc, argv)) {
    case CONFIG_EXIT_OK:
        return 0;
    case CONFIG_ERROR:
        return 2;
    case CONFIG_OK:
        break;
    }
    return app_run(&cfg);
}
