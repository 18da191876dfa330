/*
 * devc-ser8250: the serial console driver. Serves one 16550-compatible
 * UART (default COM1, port 0x3f8, ISA IRQ 4) as a terminal, under
 * /dev/ser<unit>, /dev/console and /dev/tty (the same device; /dev/tty is
 * meant to be the caller's controlling terminal).
 *
 *   devc-ser8250 [-v] [-E] [-b baud] [-u unit] [-r pid:chid] [port[,irq]]
 *     -v  log to stderr        -E  only /dev/ser<unit> (no console, tty)
 *     -b  line rate (default 115200, the kernel's)   -u  unit (default 1)
 *     -r  send struct ser_ready (ser_ready.h) to that channel when serving
 *
 * Needs root: it takes the I/O privilege (ThreadCtl(_NTO_TCTL_IO)) and
 * attaches the interrupt (InterruptAttachEvent, a pulse on its own channel).
 * One thread runs everything: receive a message or pulse, handle it, then
 * ser_progress(). It starts in the foreground and daemonizes nothing: a
 * boot script runs `devc-ser8250 &` then `waitfor /dev/console`. Without
 * the path manager (resmgr_attach with a path fails with ENOSYS) the
 * names are attached without a path, reachable through -r's report.
 * SIGTERM and SIGINT quiet the UART and exit; SIGHUP is ignored. Under
 * restartd, the terminal settings clients made survive a crash of the
 * driver (persist.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "ser.h"
#include "ser_ready.h"

#define INTR_PRIO 21 /* priority the interrupt pulse runs at */

struct ser ser;

uint64_t ser_now(void)
{
	uint64_t ns = 0;
	ClockTime(_NTO_CLOCK_MONOTONIC, NULL, &ns);
	return ns;
}

static void say(const char *fmt, va_list ap)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "devc-ser8250: ");
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	write(2, buf, len);
}

void ser_log(const char *fmt, ...)
{
	if (!ser.verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	exit(1);
}

static void on_term(int signo)
{
	uart_shutdown(&ser);
	const struct _dcmd_icounter *c = &ser.count;
	ser_log("exiting: %d interrupts, %d bytes in, %d out, %d overruns, %d dropped",
		c->reserved[0], c->rx, c->tx, c->overrun, c->buf_overrun);
	_exit(0);
}

static int on_intr(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	/* unmask first: what came while masked made no edge, the poll after sees it */
	InterruptUnmask(ser.irq, ser.intr_id);
	ser.count.reserved[0]++;
	uart_poll(&ser);
	return 0;
}

static int on_timer(message_context_t *ctp, int code, unsigned flags, void *handle)
{
	ser.timer_at = 0;
	return 0;
}

static unsigned rate_code(unsigned baud)
{
	static const unsigned codes[][2] = {
		{1200, B1200}, {2400, B2400}, {4800, B4800}, {9600, B9600}, {19200, B19200},
		{38400, B38400}, {57600, B57600}, {115200, B115200},
	};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i][0] == baud)
			return codes[i][1];
	die("unsupported rate %u", baud);
}

struct options {
	unsigned baud;
	int unit;
	bool no_console;
	pid_t report_pid;
	int report_chid;
};

static void parse(int argc, char **argv, struct options *o)
{
	int c;
	while ((c = getopt(argc, argv, "vEb:u:r:")) != -1) {
		switch (c) {
		case 'v': ser.verbose++; break;
		case 'E': o->no_console = true; break;
		case 'b': o->baud = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'u': o->unit = atoi(optarg); break;
		case 'r':
			if (sscanf(optarg, "%d:%d", &o->report_pid, &o->report_chid) != 2)
				die("-r wants pid:chid");
			break;
		default:
			die("usage: devc-ser8250 [-v] [-E] [-b baud] [-u unit] [-r pid:chid] [port[,irq]]");
		}
	}
	if (optind < argc) {
		char *end;
		ser.port = (unsigned)strtoul(argv[optind], &end, 16);
		if (*end == ',')
			ser.irq = atoi(end + 1);
	}
}

/* Attaches the names; ids[] gets their attach ids (-1: not served). */
static int attach_names(dispatch_t *dpp, const struct options *o, int32_t *ids)
{
	static resmgr_connect_funcs_t cf;
	static resmgr_io_funcs_t iof;
	io_funcs_init(&cf, &iof);
	resmgr_attr_t ra = {.nparts_max = 2, .msg_max_size = 5120};
	char ser_name[32];
	snprintf(ser_name, sizeof(ser_name), "/dev/ser%d", o->unit);
	const char *names[SER_NAMES] = {ser_name, "/dev/console", "/dev/tty"};
	int path_errno = 0;
	for (int i = 0; i < SER_NAMES; i++) {
		ids[i] = -1;
		if (i != SER_NAME_SER && o->no_console)
			continue;
		ids[i] = resmgr_attach(dpp, &ra, names[i], _FTYPE_ANY, 0, &cf, &iof, &ser.attr);
		if (ids[i] == -1) {
			path_errno = errno;
			ser_log("%s: %s; serving it without a name", names[i], strerror(errno));
			ids[i] = resmgr_attach(dpp, &ra, NULL, _FTYPE_ANY, 0, &cf, &iof, &ser.attr);
			if (ids[i] == -1)
				die("resmgr_attach: %s", strerror(errno));
		}
	}
	return path_errno;
}

static void report(const struct options *o, int chid, const int32_t *ids, int path_errno)
{
	struct ser_ready rep = {.tag = SER_READY_TAG, .chid = chid, .path_errno = path_errno};
	memcpy(rep.ids, ids, sizeof(rep.ids));
	int coid = ConnectAttach(0, o->report_pid, o->report_chid, _NTO_SIDE_CHANNEL, 0);
	if (coid == -1 || MsgSend(coid, &rep, sizeof(rep), NULL, 0) == -1)
		ser_log("ready report to %d:%d: %s", o->report_pid, o->report_chid, strerror(errno));
	if (coid != -1)
		ConnectDetach(coid);
}

int main(int argc, char **argv)
{
	struct options o = {.unit = 1};
	ser.port = 0x3f8;
	ser.irq = 4;
	ser.xchar = -1;
	parse(argc, argv, &o);
	char name[32];
	struct stat st;
	snprintf(name, sizeof(name), "/dev/ser%d", o.unit);
	if (stat(name, &st) == 0)
		die("%s is served already", name); /* two drivers on one port fight */
	if (ThreadCtl(_NTO_TCTL_IO, 0) == -1)
		die("no I/O privilege: %s", strerror(errno));
	if (uart_probe(&ser) != 0)
		die("no UART at %#x", ser.port);

	tty_init_termios(&ser.tio);
	if (ser.port == 0x3f8)
		ser.baud = 115200; /* what the kernel console programmed */
	if (o.baud)
		ser.tio.c_cflag = (ser.tio.c_cflag & ~CBAUD) | rate_code(o.baud);
	ser.ws = (struct _dcmd_winsize){.ws_row = 24, .ws_col = 80};
	persist_restore(&ser); /* restarted after a crash: the clients' settings */
	iofunc_attr_init(&ser.attr, S_IFCHR | 0666, NULL, NULL);
	ser.attr.inode = 1;
	ser.attr.rdev = makedev(4, 63 + o.unit);

	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN); /* a driver outlives the session that started it */

	int chid = ChannelCreate(_NTO_CHF_UNBLOCK | _NTO_CHF_DISCONNECT);
	dispatch_t *dpp = chid == -1 ? NULL : dispatch_create_channel(chid, DISPATCH_FLAG_NOLOCK);
	int self = chid == -1 ? -1 : ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
	if (!dpp || self == -1)
		die("channel: %s", strerror(errno));
	int intr_code = pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, on_intr, NULL);
	int timer_code = pulse_attach(dpp, MSG_FLAG_ALLOC_PULSE, 0, on_timer, NULL);
	if (intr_code == -1 || timer_code == -1)
		die("pulse_attach: %s", strerror(errno));
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, self, INTR_PRIO, timer_code, 0);
	ser.timer_id = TimerCreate(_NTO_CLOCK_MONOTONIC, &ev);
	if (ser.timer_id == -1)
		die("TimerCreate: %s", strerror(errno));

	uart_init(&ser);
	memset(&ev, 0, sizeof(ev));
	SIGEV_PULSE_INIT(&ev, self, INTR_PRIO, intr_code, 0);
	ser.intr_id = InterruptAttachEvent(ser.irq, &ev, _NTO_INTR_FLAGS_TRK_MSK);
	if (ser.intr_id == -1) {
		uart_shutdown(&ser);
		die("InterruptAttachEvent(%d): %s", ser.irq, strerror(errno));
	}
	/* the names last: a client that finds one finds the device working */
	int32_t ids[SER_NAMES];
	int path_errno = attach_names(dpp, &o, ids);
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		die("dispatch_context_alloc: %s", strerror(errno));
	uart_poll(&ser);
	ser_log("port %#x irq %d fifo %u: serving", ser.port, ser.irq, ser.fifo);
	if (o.report_pid > 0)
		report(&o, chid, ids, path_errno);

	for (;;) {
		if (!dispatch_block(ctp)) {
			if (errno == EINTR)
				continue;
			uart_shutdown(&ser);
			die("receive: %s", strerror(errno));
		}
		dispatch_handler(ctp);
		ser_progress(&ser);
	}
}
