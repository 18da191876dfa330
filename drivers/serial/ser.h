/*
 * devc-ser8250: the state of the one serial port a driver process serves
 * (a 16550-compatible UART) and the interfaces between the driver's files:
 *   main.c    options, start-up, names, the receive loop, pulses, timer
 *   uart.c    the hardware: set-up, the interrupt-time poll (receive into
 *             the line discipline, transmit from the output queue), modes
 *   tty_in.c  input line discipline: termios input flags, signals,
 *             canonical editing and echo; the input queue and its reads
 *   tty_out.c output queue and output processing (OPOST), echo capture
 *   wait.c    blocked clients: readers (VMIN/VTIME), writers (replied once
 *             their bytes reach the UART), drainers (tcdrain, TCSETSW/F,
 *             breaks); ser_progress() moves everything along
 *   io.c      resmgr handlers: open, read, write, notify, unblock, close
 *   devctl.c  termios and the other devctl commands (sys/dcmd_chr.h)
 *   job.c     controlling terminal and job control, over the kernel's
 *             sessions (SessionCtl)
 *   persist.c the terminal settings kept with restartd for a restarted
 *             driver
 * The driver is single-threaded: everything runs from the receive loop.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sys/dcmd_chr.h>
#include <sys/iofunc.h>
#include <sys/dispatch.h>

#define IBUF_SIZE 4096u /* input queue (power of two) */
#define OBUF_SIZE 4096u /* output queue (power of two) */
#define LTAG_SIZE 64u   /* bytes in flight through the loopback (power of two) */
#define OUT_LOW_WATER 256u /* output "writable" for poll below this many queued bytes */

/* tty_rx() flags: what the line status said about a received byte. */
#define RX_BREAK 0x1
#define RX_PARITY 0x2
#define RX_FRAMING 0x4

struct reader {
	struct reader *next;
	int rcvid;
	iofunc_ocb_t *ocb;
	size_t nbytes;
	uint64_t deadline;  /* VTIME expiry (monotonic ns), 0: none */
	uint64_t seen_rx;   /* rx_seq when the inter-byte timer was last restarted */
};

struct writer {
	struct writer *next;
	int rcvid;
	iofunc_ocb_t *ocb;
	size_t nbytes;      /* what the client asked to write */
	size_t copied;      /* taken from the client so far */
	size_t msg_off;     /* offset of the data in the client's message */
	uint64_t done_at;   /* output total at which its last byte has left the queue */
};

enum drain_kind { DRAIN_ONLY, DRAIN_SET, DRAIN_SET_FLUSH, DRAIN_BREAK };

struct drainer {
	struct drainer *next;
	int rcvid;
	iofunc_ocb_t *ocb;
	enum drain_kind kind;
	struct _dcmd_termios tio; /* DRAIN_SET* */
	uint64_t done_at;         /* output total to reach */
	uint64_t deadline;        /* re-check time (transmitter busy), or end of the break */
	bool breaking;
};

struct ser {
	/* hardware */
	unsigned port;
	int irq;
	int intr_id;
	unsigned fifo;       /* transmit FIFO depth: 16, or 1 without a FIFO */
	unsigned baud;       /* programmed rate */
	uint32_t line_cflag; /* CSIZE|CSTOPB|PARENB|PARODD programmed */
	uint8_t ier, mcr, lcr;
	bool loopback;

	/* terminal */
	struct _dcmd_termios tio;
	struct _dcmd_winsize ws;
	pid_t sid;           /* the session the driver last gave the tty to (job.c) */
	pid_t last_reader;   /* signalled when no session has the tty */
	bool exclusive;      /* TIOCEXCL */

	/* input queue: [itail, icanon) complete lines (canonical) or everything
	 * (raw, icanon == ihead); [icanon, ihead) the line being edited */
	uint8_t ibuf[IBUF_SIZE];
	uint8_t ieol[IBUF_SIZE / 8]; /* a line ends with this byte */
	uint8_t ieof[IBUF_SIZE / 8]; /* this byte is an EOF mark, never read */
	uint32_t ihead, itail, icanon;
	bool lnext;          /* the next byte is literal (VLNEXT) */
	unsigned canon_col;  /* output column where the edited line started */
	uint64_t rx_seq;     /* bytes made readable so far */

	/* output queue, by running totals: queued bytes are [osent, oenq) */
	uint8_t obuf[OBUF_SIZE];
	uint8_t oecho[OBUF_SIZE / 8]; /* this byte is an echo */
	uint64_t oenq, osent;
	unsigned column;     /* output column (OPOST) */
	bool stopped;        /* output stopped by VSTOP (IXON) */
	bool tco_stopped;    /* ... by TCXONC TCOOFF */
	int xchar;           /* START/STOP byte to send ahead of the queue, or -1 */

	/* loopback: which bytes in flight are echoes, and the echoes seen */
	uint8_t ltag[LTAG_SIZE];
	uint32_t lt_head, lt_tail;
	uint8_t ecap[_DCMD_SER_ECHOCAP_MAX];
	unsigned ecap_len;

	struct reader *readers;
	struct writer *writers;
	struct drainer *drainers;
	iofunc_notify_t notify[3];
	iofunc_attr_t attr;

	struct _dcmd_icounter count; /* TIOCGICOUNT; reserved[0]: interrupts */

	int timer_id;
	uint64_t timer_at;   /* armed expiry, 0: disarmed */
	int verbose;
};

extern struct ser ser;

/* main.c */
uint64_t ser_now(void);
void ser_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* uart.c (port access needs ThreadCtl(_NTO_TCTL_IO)) */
int uart_probe(struct ser *s);
void uart_init(struct ser *s);
void uart_shutdown(struct ser *s);
void uart_poll(struct ser *s);
void uart_apply_cflag(struct ser *s);
void uart_set_loopback(struct ser *s, bool on);
void uart_set_break(struct ser *s, bool on);
bool uart_tx_idle(struct ser *s);
int uart_modem_get(struct ser *s);
void uart_modem_set(struct ser *s, int bits);
unsigned uart_baud_of(uint32_t cflag);

/* tty_in.c */
void tty_init_termios(struct _dcmd_termios *t);
void tty_rx(struct ser *s, uint8_t c, int flags);
size_t tty_readable(const struct ser *s);     /* FIONREAD */
bool tty_line_ready(const struct ser *s);     /* canonical: a line (or EOF) to read */
size_t tty_raw_avail(const struct ser *s);
/* Copies what one read may return (one line at most in canonical mode)
 * into buf and consumes it. */
size_t tty_take(struct ser *s, uint8_t *buf, size_t n);
void tty_flush_input(struct ser *s);
void tty_set_termios(struct ser *s, const struct _dcmd_termios *t);

/* job.c: the client is the sender of the request ctp holds; errno values */
/* An open without O_NOCTTY: the tty may become the client's session's. */
void tty_open_ctty(resmgr_context_t *ctp);
/* TIOCSCTTY (steal: arg 1 from root): EOK, EPERM. */
int tty_set_ctty(resmgr_context_t *ctp, bool steal);
/* TIOCNOTTY: EOK, ENOTTY. */
int tty_give_up(resmgr_context_t *ctp);
/* TIOCGPGRP (session false) / TIOCGSID (true): EOK, ENOTTY. */
int tty_get_pgrp(resmgr_context_t *ctp, bool session, int32_t *out);
/* TIOCSPGRP: EOK, EINTR (background: SIGTTOU sent), ENOTTY, EPERM, EINVAL. */
int tty_set_pgrp(resmgr_context_t *ctp, pid_t pgrp);
/* Whether the tty is the client's controlling terminal. */
bool tty_is_ctty_of(resmgr_context_t *ctp);
/* Job control before a read (SIGTTIN) or a change or TOSTOP write
 * (SIGTTOU): EOK to go ahead, EINTR (its group was signalled), EIO. */
int tty_job_check(resmgr_context_t *ctp, int signo);
/* Signals the foreground group of the session the tty controls, or
 * without one the last reader (signal characters). */
void tty_signal(struct ser *s, int signo);
/* Signals the foreground group, if any (SIGWINCH). */
void tty_signal_fg(struct ser *s, int signo);

/* tty_out.c */
size_t out_queued(const struct ser *s);
size_t out_room(const struct ser *s);
/* Output-processes bytes of a write into the queue while they fit;
 * returns how many of data were taken. */
size_t out_write(struct ser *s, const uint8_t *data, size_t n);
/* Echoes c (output-processed; dropped when the queue is full). */
void out_echo(struct ser *s, uint8_t c);
/* Takes up to max queued bytes for the UART; echo[i] says which are echoes. */
size_t out_take(struct ser *s, uint8_t *buf, bool *echo, size_t max);
void out_flush(struct ser *s);
void out_start(struct ser *s);
void out_stop(struct ser *s);
void loop_sent(struct ser *s, bool echo);
/* A byte came back through the loopback: true if it was an echo (captured). */
bool loop_received(struct ser *s, uint8_t c);

/* wait.c */
void ser_progress(struct ser *s);
int read_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, size_t nbytes, bool nonblock);
int write_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, size_t nbytes, size_t msg_off,
		bool nonblock);
int drain_start(resmgr_context_t *ctp, iofunc_ocb_t *ocb, enum drain_kind kind,
		const struct _dcmd_termios *tio);
/* EINTR for the blocked request rcvid; _RESMGR_DEFAULT if it is not ours. */
int wait_unblock(struct ser *s, resmgr_context_t *ctp, int rcvid);
/* Fails every request of ocb with err (the OCB is closing). */
void wait_drop_ocb(struct ser *s, iofunc_ocb_t *ocb, int err);
bool ser_input_ready(const struct ser *s);
bool ser_output_ready(const struct ser *s);

/* persist.c: the terminal settings kept with restartd across restarts.
 * restore: before uart_init; save: after a client changed tio or ws. */
void persist_restore(struct ser *s);
void persist_save(struct ser *s);

/* io.c / devctl.c */
void io_funcs_init(resmgr_connect_funcs_t *c, resmgr_io_funcs_t *io);
int ser_devctl(resmgr_context_t *ctp, io_devctl_t *msg, iofunc_ocb_t *ocb);
