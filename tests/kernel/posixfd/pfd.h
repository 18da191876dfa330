/*
 * What t_posixfd and pfd_server (tests/kernel/posixfd) agree on: where the
 * server attaches, its limits, and its ioctl commands.
 */
#pragma once

#define PFD_DIR "/test/fd"
#define PFD_CONS "/test/fdcons" /* writes go to the server's console */
#define PFD_NAME_MAX 32
#define PFD_LIAR "liar" /* its reads and writes claim 4096 bytes more than asked */
#define PFD_FILE_MAX (1u << 20)
/* _IOWR('p', 1, int): the int comes back doubled */
#define PFD_IOC_DOUBLE 0xC0047001u
/* Linux TIOCGWINSZ (no _IOC encoding): 24 rows, 80 columns */
#define PFD_TIOCGWINSZ 0x5413u
