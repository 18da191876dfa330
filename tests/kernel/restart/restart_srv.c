/*
 * restart_srv: the server supervised in the restart tests (t_restart):
 * attaches the path given as its argument; a read returns its pid as text.
 * Built twice: restart_srv, and restart_bad (CRASH_AT_START), which dies
 * of a NULL write before attaching anything, for the crash-loop back-off
 * test. Heartbeats and fault points come from the resmgr library.
 * Usage: restart_srv /path
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

static char text[32];
static size_t text_len;

static int srv_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t off = ocb->offset < 0 ? 0 : (size_t)ocb->offset;
	size_t n = off < text_len ? text_len - off : 0;
	if (n > (size_t)msg->i.nbytes)
		n = (size_t)msg->i.nbytes;
	ocb->offset += (int64_t)n;
	_IO_SET_READ_NBYTES(ctp, n);
	return _RESMGR_PTR(ctp, text + off, n);
}

int main(int argc, char **argv)
{
#ifdef CRASH_AT_START
	static volatile uintptr_t zero;
	*(volatile int *)zero = 1;
#endif
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr, "usage: restart_srv /path\n");
		return 2;
	}
	text_len = (size_t)snprintf(text, sizeof(text), "%d\n", getpid());
	dispatch_t *dpp = dispatch_create();
	if (!dpp)
		return 1;
	static resmgr_connect_funcs_t cf;
	static resmgr_io_funcs_t io;
	static iofunc_attr_t attr;
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &cf, _RESMGR_IO_NFUNCS, &io);
	io.read = srv_read;
	iofunc_attr_init(&attr, S_IFREG | 0444, NULL, NULL);
	if (resmgr_attach(dpp, NULL, argv[1], _FTYPE_ANY, 0, &cf, &io, &attr) == -1) {
		fprintf(stderr, "restart_srv: cannot attach %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp)
		return 1;
	for (;;)
		if (dispatch_block(ctp))
			dispatch_handler(ctp);
}
