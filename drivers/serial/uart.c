/*
 * The 16550 hardware of devc-ser8250: probing and set-up, the poll that
 * runs on every interrupt (and after every request), line settings from
 * termios c_cflag, loopback, break and modem lines. Called by main.c,
 * wait.c and devctl.c; needs the I/O privilege (ThreadCtl(_NTO_TCTL_IO)).
 *
 * Interrupts: the kernel masks IRQ 4 when it delivers the pulse and the
 * line is edge-triggered, so an edge that comes while it is masked is
 * lost. main.c therefore unmasks first and then polls: uart_poll() works
 * until the UART reports nothing pending, which drops its interrupt output,
 * so the next condition makes a fresh edge. The transmit interrupt is
 * enabled only while the output queue holds bytes.
 *
 * The kernel keeps printing on the same port by polling the transmitter;
 * its bytes interleave with ours. The divisor is reprogrammed only when the
 * rate changes (the kernel set 115200), since DLAB hides the data register.
 */
#include <termios.h>
#include <sys/ioctl.h>

#include "ser.h"

enum {
	RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2,
	LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7,
};
#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IIR_NOINT 0x01
#define IIR_ID 0x0e
#define IIR_MSI 0x00
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_TRIG8 0x80
#define LCR_PARITY 0x08
#define LCR_EVEN 0x10
#define LCR_BREAK 0x40
#define LCR_DLAB 0x80
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT2 0x08 /* gates the interrupt onto the ISA line */
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define UART_CLOCK 1843200u

static inline uint8_t rd(const struct ser *s, unsigned reg)
{
	uint8_t v;
	__asm__ volatile("inb %w1, %0" : "=a"(v) : "Nd"((uint16_t)(s->port + reg)));
	return v;
}

static inline void wr(const struct ser *s, unsigned reg, uint8_t v)
{
	__asm__ volatile("outb %0, %w1" : : "a"(v), "Nd"((uint16_t)(s->port + reg)));
}

int uart_probe(struct ser *s)
{
	wr(s, SCR, 0xa5);
	if (rd(s, SCR) != 0xa5)
		return -1;
	wr(s, SCR, 0x5a);
	return rd(s, SCR) == 0x5a ? 0 : -1;
}

static const struct { uint32_t code; unsigned rate; } rates[] = {
	{B50, 50}, {B75, 75}, {B110, 110}, {B134, 134}, {B150, 150}, {B200, 200},
	{B300, 300}, {B600, 600}, {B1200, 1200}, {B1800, 1800}, {B2400, 2400},
	{B4800, 4800}, {B9600, 9600}, {B19200, 19200}, {B38400, 38400},
	{B57600, 57600}, {B115200, 115200},
};

/* The rate c_cflag asks for; 0 for B0 (hang up) or one the UART cannot do. */
unsigned uart_baud_of(uint32_t cflag)
{
	uint32_t code = cflag & CBAUD;
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i].code == code)
			return rates[i].rate;
	return 0;
}

void uart_apply_cflag(struct ser *s)
{
	uint32_t cf = s->tio.c_cflag;
	unsigned baud = uart_baud_of(cf);
	uint8_t lcr = (uint8_t)((cf & CSIZE) >> 4); /* CS5..CS8 -> 0..3 */
	if (cf & CSTOPB)
		lcr |= 0x04;
	if (cf & PARENB)
		lcr |= LCR_PARITY | ((cf & PARODD) ? 0 : LCR_EVEN);
	lcr |= s->lcr & LCR_BREAK;
	if (baud && baud != s->baud) {
		unsigned div = UART_CLOCK / 16 / baud;
		wr(s, LCR, lcr | LCR_DLAB);
		wr(s, DLL, (uint8_t)div);
		wr(s, DLM, (uint8_t)(div >> 8));
		s->baud = baud;
	}
	wr(s, LCR, lcr);
	s->lcr = lcr;
	/* B0 hangs up: DTR and RTS drop */
	uint8_t mcr = baud ? (s->mcr | MCR_DTR | MCR_RTS) : (s->mcr & ~(MCR_DTR | MCR_RTS));
	if (mcr != s->mcr)
		wr(s, MCR, s->mcr = mcr);
}

void uart_init(struct ser *s)
{
	wr(s, IER, 0);
	/* What was typed before the driver came is kept: with the FIFO off the
	 * receiver holds one byte, which enabling the FIFO would discard (a
	 * 16550 resets its FIFOs when FCR's enable bit changes), so it is read
	 * out first; with the FIFO already on, the bytes stay there. */
	uart_apply_cflag(s);
	uint8_t early[16];
	unsigned nearly = 0;
	while (nearly < sizeof(early) && (rd(s, LSR) & LSR_DR))
		early[nearly++] = rd(s, RBR);
	wr(s, FCR, FCR_ENABLE | FCR_TRIG8);
	for (unsigned i = 0; i < nearly; i++)
		if (s->tio.c_cflag & CREAD)
			tty_rx(s, early[i], 0);
	s->fifo = (rd(s, IIR) & IIR_FIFO) == IIR_FIFO ? 16 : 1;
	s->mcr = MCR_DTR | MCR_RTS | MCR_OUT2;
	wr(s, MCR, s->mcr);
	(void)rd(s, MSR);
	(void)rd(s, IIR);
	s->ier = IER_RDI | IER_RLSI;
	wr(s, IER, s->ier);
}

void uart_shutdown(struct ser *s)
{
	wr(s, IER, 0);
	s->mcr &= ~MCR_LOOP;
	wr(s, MCR, s->mcr);
	wr(s, LCR, s->lcr & ~LCR_BREAK);
}

/* Moves what the receiver holds into the line discipline. */
static void poll_rx(struct ser *s, uint8_t lsr, bool *did)
{
	for (int n = 0; n < 256 && (lsr & (LSR_DR | LSR_BI)); n++) {
		uint8_t c = rd(s, RBR);
		int flags = 0;
		s->count.rx++;
		if (lsr & LSR_OE)
			s->count.overrun++;
		if (lsr & LSR_BI) {
			flags |= RX_BREAK;
			s->count.brk++;
		}
		if (lsr & LSR_PE) {
			flags |= RX_PARITY;
			s->count.parity++;
		}
		if (lsr & LSR_FE) {
			flags |= RX_FRAMING;
			s->count.frame++;
		}
		if (!(s->tio.c_cflag & CREAD))
			; /* receiver "off": drop */
		else if (!(s->loopback && loop_received(s, c)))
			tty_rx(s, c, flags);
		*did = true;
		lsr = rd(s, LSR);
	}
}

/* Fills the transmitter from the output queue when it is empty. */
static void poll_tx(struct ser *s, uint8_t lsr, bool *did)
{
	if (!(lsr & LSR_THRE))
		return;
	unsigned room = s->fifo;
	if (s->xchar >= 0) {
		wr(s, THR, (uint8_t)s->xchar);
		s->count.tx++;
		if (s->loopback)
			loop_sent(s, false);
		s->xchar = -1;
		room--;
		*did = true;
	}
	if (s->loopback) {
		unsigned in_flight = s->lt_head - s->lt_tail;
		unsigned free = LTAG_SIZE - in_flight;
		if (room > free)
			room = free;
	}
	uint8_t buf[16];
	bool echo[16];
	size_t n = out_take(s, buf, echo, room < 16 ? room : 16);
	for (size_t i = 0; i < n; i++) {
		wr(s, THR, buf[i]);
		if (s->loopback)
			loop_sent(s, echo[i]);
	}
	if (n)
		*did = true;
	s->count.tx += (int32_t)n;
}

void uart_poll(struct ser *s)
{
	for (int round = 0; round < 512; round++) {
		uint8_t iir = rd(s, IIR); /* reading it acknowledges a transmitter interrupt */
		if ((iir & (IIR_NOINT | IIR_ID)) == IIR_MSI)
			(void)rd(s, MSR);
		bool did = false;
		poll_rx(s, rd(s, LSR), &did);
		poll_tx(s, rd(s, LSR), &did);
		if (!did && (iir & IIR_NOINT))
			break;
	}
	bool want = (out_queued(s) && !s->stopped && !s->tco_stopped) || s->xchar >= 0;
	uint8_t ier = want ? (s->ier | IER_THRI) : (s->ier & ~IER_THRI);
	if (ier != s->ier)
		wr(s, IER, s->ier = ier);
}

bool uart_tx_idle(struct ser *s)
{
	return (rd(s, LSR) & LSR_TEMT) != 0;
}

void uart_set_loopback(struct ser *s, bool on)
{
	s->mcr = on ? (s->mcr | MCR_LOOP) : (s->mcr & ~MCR_LOOP);
	wr(s, MCR, s->mcr);
	s->loopback = on;
	s->lt_head = s->lt_tail = 0;
}

void uart_set_break(struct ser *s, bool on)
{
	s->lcr = on ? (s->lcr | LCR_BREAK) : (s->lcr & ~LCR_BREAK);
	wr(s, LCR, s->lcr);
}

int uart_modem_get(struct ser *s)
{
	uint8_t msr = rd(s, MSR);
	int bits = 0;
	if (s->mcr & MCR_DTR)
		bits |= TIOCM_DTR;
	if (s->mcr & MCR_RTS)
		bits |= TIOCM_RTS;
	if (s->mcr & MCR_LOOP)
		bits |= TIOCM_LOOP;
	if (msr & MSR_CTS)
		bits |= TIOCM_CTS;
	if (msr & MSR_DSR)
		bits |= TIOCM_DSR;
	if (msr & MSR_RI)
		bits |= TIOCM_RNG;
	if (msr & MSR_DCD)
		bits |= TIOCM_CAR;
	return bits;
}

void uart_modem_set(struct ser *s, int bits)
{
	uint8_t mcr = s->mcr & ~(MCR_DTR | MCR_RTS);
	if (bits & TIOCM_DTR)
		mcr |= MCR_DTR;
	if (bits & TIOCM_RTS)
		mcr |= MCR_RTS;
	wr(s, MCR, s->mcr = mcr);
}
