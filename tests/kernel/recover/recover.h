/*
 * What t_recover and its server recover_srv agree on: the size and the
 * pattern of <prefix>/data, and how long a read of <prefix>/slow takes.
 */
#pragma once

#define RECOVER_SIZE 4096
#define RECOVER_BYTE(off) ((char)('a' + (off) % 26))
#define RECOVER_SLOW_MS 300
