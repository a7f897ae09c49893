// SPDX-License-Identifier: MIT
// voxctl placeholder until the client lands.
#include <stdio.h>

int main(void)
{
    fprintf(stderr, "voxctl: not built yet\n");
    return 1;
}
