/*
 * devctl commands of character devices (terminals): termios, window size,
 * process groups, queues. Served by terminal drivers (devc-ser8250 in
 * drivers/serial/); used by posix/ to carry ioctl() and by programs that
 * send _IO_DEVCTL themselves.
 *
 * The dcmd values ARE Linux x86_64's ioctl request numbers (TCGETS 0x5401
 * ...), so ioctl(fd, req, arg) becomes an _IO_DEVCTL with dcmd = req. Unlike
 * QNX's __DIOT/__DIOF codes they do not encode the data size and direction:
 * _dcmd_chr_lookup() below gives them (DCMD_SER_* use the QNX encoding).
 * The data are Linux's kernel structures: struct _dcmd_termios is the
 * 36-byte struct termios TCGETS/TCSETS use (musl's struct termios begins
 * with it), struct _dcmd_winsize is struct winsize. termios flag bits and
 * c_cc indices are Linux's (musl's <termios.h>).
 *
 * Reply: _io_devctl_reply with ret_val 0 (what ioctl returns) and, for
 * _DCMD_CHR_ARG_OUT commands, the data. Errors come back as MsgError:
 * ENOTTY for a command the device does not know.
 */
#pragma once
#include <sys/iomsg.h>

#define DCMD_CHR_TCGETS 0x5401     /* OUT struct _dcmd_termios */
#define DCMD_CHR_TCSETS 0x5402     /* IN  struct _dcmd_termios: now */
#define DCMD_CHR_TCSETSW 0x5403    /* IN  ... after the output has drained */
#define DCMD_CHR_TCSETSF 0x5404    /* IN  ... after draining, discarding pending input */
#define DCMD_CHR_TCSBRK 0x5409     /* VALUE int: 0 sends a break, else drains (tcdrain) */
#define DCMD_CHR_TCXONC 0x540A     /* VALUE int: TCOOFF 0, TCOON 1, TCIOFF 2, TCION 3 */
#define DCMD_CHR_TCFLSH 0x540B     /* VALUE int: TCIFLUSH 0, TCOFLUSH 1, TCIOFLUSH 2 */
#define DCMD_CHR_TIOCEXCL 0x540C   /* NONE */
#define DCMD_CHR_TIOCNXCL 0x540D   /* NONE */
#define DCMD_CHR_TIOCSCTTY 0x540E  /* VALUE int (force): become the caller's controlling tty */
#define DCMD_CHR_TIOCGPGRP 0x540F  /* OUT int32 foreground process group */
#define DCMD_CHR_TIOCSPGRP 0x5410  /* IN  int32 */
#define DCMD_CHR_TIOCOUTQ 0x5411   /* OUT int: bytes not yet handed to the hardware */
#define DCMD_CHR_TIOCSTI 0x5412    /* IN  char: as if received */
#define DCMD_CHR_TIOCGWINSZ 0x5413 /* OUT struct _dcmd_winsize (musl's isatty() uses it) */
#define DCMD_CHR_TIOCSWINSZ 0x5414 /* IN  struct _dcmd_winsize; SIGWINCH on a change */
#define DCMD_CHR_TIOCMGET 0x5415   /* OUT int TIOCM_* modem lines */
#define DCMD_CHR_TIOCMBIS 0x5416   /* IN  int */
#define DCMD_CHR_TIOCMBIC 0x5417   /* IN  int */
#define DCMD_CHR_TIOCMSET 0x5418   /* IN  int */
#define DCMD_CHR_FIONREAD 0x541B   /* OUT int: bytes a read could return now (TIOCINQ) */
#define DCMD_CHR_TIOCNOTTY 0x5422  /* NONE: give up the controlling tty */
#define DCMD_CHR_TIOCGETD 0x5424   /* OUT int line discipline (always 0, N_TTY) */
#define DCMD_CHR_TIOCSETD 0x5423   /* IN  int (only 0) */
#define DCMD_CHR_TIOCSBRK 0x5427   /* NONE: break on */
#define DCMD_CHR_TIOCCBRK 0x5428   /* NONE: break off */
#define DCMD_CHR_TIOCGSID 0x5429   /* OUT int32 session of the controlling process */
#define DCMD_CHR_TIOCGICOUNT 0x545D /* OUT struct _dcmd_icounter */
/*
 * Not sent to servers: FIONBIO 0x5421 (posix does fcntl F_SETFL O_NONBLOCK,
 * i.e. DCMD_ALL_SETFLAGS), FIOCLEX 0x5451 / FIONCLEX 0x5450 (ConnectFlags),
 * FIOASYNC 0x5452.
 */

#define _DCMD_CHR_NCCS 19

struct _dcmd_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[_DCMD_CHR_NCCS];
};
_Static_assert(sizeof(struct _dcmd_termios) == 36, "Linux kernel struct termios");

struct _dcmd_winsize {
	uint16_t ws_row;
	uint16_t ws_col;
	uint16_t ws_xpixel;
	uint16_t ws_ypixel;
};
_Static_assert(sizeof(struct _dcmd_winsize) == 8, "struct winsize");

/* Line event counts (Linux's struct serial_icounter_struct); reserved[0]
 * is not Linux's: the interrupts the driver has serviced. */
struct _dcmd_icounter {
	int32_t cts, dsr, rng, dcd;
	int32_t rx, tx;
	int32_t frame, overrun, parity, brk;
	int32_t buf_overrun;
	int32_t reserved[9];
};
_Static_assert(sizeof(struct _dcmd_icounter) == 80, "struct serial_icounter_struct");

/*
 * Serial-port commands (QNX encoding, class _DCMD_CHR, numbers above QNX's).
 * DCMD_SER_LOOPBACK (root only): int 1 puts the UART in loopback mode, 0
 * takes it out. In loopback the port is a terminal wired to itself: bytes
 * written come back as received input (through the real receive
 * interrupt path), while the driver's echoes are kept apart, as a terminal
 * would display them, in a capture buffer that DCMD_SER_ECHOCAP reads and
 * empties (up to 256 bytes; nbytes of the reply says how many). Anything
 * else written to the UART meanwhile (the kernel's polled console) comes
 * back as input too.
 */
#define DCMD_SER_LOOPBACK __DIOT(_DCMD_CHR, 0xE0, int)
#define DCMD_SER_ECHOCAP __DIOF(_DCMD_CHR, 0xE1, char[256])
#define _DCMD_SER_ECHOCAP_MAX 256

/* How a command's argument travels (see _dcmd_chr_lookup). */
#define _DCMD_CHR_ARG_NONE 0  /* no data */
#define _DCMD_CHR_ARG_VALUE 1 /* ioctl's int argument itself, as 4 bytes of data */
#define _DCMD_CHR_ARG_IN 2    /* the argument points at size bytes sent to the server */
#define _DCMD_CHR_ARG_OUT 3   /* the argument points at size bytes the reply fills */

struct _dcmd_chr_info {
	uint16_t arg;  /* _DCMD_CHR_ARG_* */
	uint16_t size; /* data bytes */
};

/* The data of ioctl request cmd: 0 with *info filled, -1 if cmd is not a
 * terminal request of this header (posix may still send it with no data:
 * the server answers ENOTTY). */
static inline int _dcmd_chr_lookup(unsigned cmd, struct _dcmd_chr_info *info)
{
	uint16_t arg, size = 4;
	switch (cmd) {
	case DCMD_CHR_TCGETS: arg = _DCMD_CHR_ARG_OUT; size = 36; break;
	case DCMD_CHR_TCSETS:
	case DCMD_CHR_TCSETSW:
	case DCMD_CHR_TCSETSF: arg = _DCMD_CHR_ARG_IN; size = 36; break;
	case DCMD_CHR_TCSBRK:
	case DCMD_CHR_TCXONC:
	case DCMD_CHR_TCFLSH:
	case DCMD_CHR_TIOCSCTTY: arg = _DCMD_CHR_ARG_VALUE; break;
	case DCMD_CHR_TIOCGPGRP:
	case DCMD_CHR_TIOCOUTQ:
	case DCMD_CHR_TIOCMGET:
	case DCMD_CHR_FIONREAD:
	case DCMD_CHR_TIOCGETD:
	case DCMD_CHR_TIOCGSID: arg = _DCMD_CHR_ARG_OUT; break;
	case DCMD_CHR_TIOCSPGRP:
	case DCMD_CHR_TIOCMBIS:
	case DCMD_CHR_TIOCMBIC:
	case DCMD_CHR_TIOCMSET:
	case DCMD_CHR_TIOCSETD: arg = _DCMD_CHR_ARG_IN; break;
	case DCMD_CHR_TIOCSTI: arg = _DCMD_CHR_ARG_IN; size = 1; break;
	case DCMD_CHR_TIOCGWINSZ: arg = _DCMD_CHR_ARG_OUT; size = 8; break;
	case DCMD_CHR_TIOCGICOUNT: arg = _DCMD_CHR_ARG_OUT; size = 80; break;
	case DCMD_CHR_TIOCSWINSZ: arg = _DCMD_CHR_ARG_IN; size = 8; break;
	case DCMD_CHR_TIOCEXCL:
	case DCMD_CHR_TIOCNXCL:
	case DCMD_CHR_TIOCNOTTY:
	case DCMD_CHR_TIOCSBRK:
	case DCMD_CHR_TIOCCBRK: arg = _DCMD_CHR_ARG_NONE; size = 0; break;
	default: return -1;
	}
	info->arg = arg;
	info->size = size;
	return 0;
}
