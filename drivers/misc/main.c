/*
 * dev-misc: the memory-like character devices.
 *   /dev/null     reads: end of file; writes: swallowed, full count
 *   /dev/zero     reads: zeros, any size, straight from one zero buffer
 *                 into the client's; writes: swallowed
 *   /dev/full     reads: zeros; writes: ENOSPC
 *   /dev/random,
 *   /dev/urandom  reads: bytes of the ChaCha20 generator (rng.c), never
 *                 blocking; writes: mixed into the generator, full count
 * Each is a character device (S_IFCHR 0666, Linux's rdev numbers 1:3, 1:5,
 * 1:7, 1:8, 1:9), always ready for poll. Usage: dev-misc [-v]. Started by
 * the boot script with `&`; /dev/null is attached last, so that
 * `waitfor /dev/null` means every device is there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sys/iofunc.h>
#include <sys/dispatch.h>

#include "chacha.h"
#include "rng.h"

#define ZERO_BUF (64 * 1024)
#define ZERO_PARTS 64              /* one MsgWritev moves up to 4 MiB of zeros */
#define RANDOM_READ_MAX (32u << 20) /* longer random reads return 32 MiB (short count) */

enum { DEV_NULL, DEV_ZERO, DEV_FULL, DEV_RANDOM, DEV_URANDOM, NDEV };

static const struct {
	const char *path;
	unsigned minor;
} devs[NDEV] = {
	[DEV_NULL] = {"/dev/null", 3},     [DEV_ZERO] = {"/dev/zero", 5},
	[DEV_FULL] = {"/dev/full", 7},     [DEV_RANDOM] = {"/dev/random", 8},
	[DEV_URANDOM] = {"/dev/urandom", 9},
};

static const char zeros[ZERO_BUF];
static unsigned char rbuf[RNG_CHUNK];
static int verbose;

static int null_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	_IO_SET_READ_NBYTES(ctp, 0);
	return EOK;
}

static int null_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	_IO_SET_WRITE_NBYTES(ctp, msg->i.nbytes);
	return EOK;
}

static int full_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	return msg->i.nbytes ? ENOSPC : EOK;
}

/* Zeros: a short read is one reply from the zero buffer; a long one is
 * written into the client's buffer part by part (every part the same zero
 * buffer), then the status alone is replied. */
static int zero_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t n = (size_t)msg->i.nbytes;
	_IO_SET_READ_NBYTES(ctp, n);
	if (n <= ZERO_BUF)
		return _RESMGR_PTR(ctp, zeros, n);
	iov_t iov[ZERO_PARTS];
	size_t done = 0;
	while (done < n) {
		int parts = 0;
		size_t chunk = 0;
		while (parts < ZERO_PARTS && done + chunk < n) {
			size_t k = n - done - chunk < ZERO_BUF ? n - done - chunk : ZERO_BUF;
			SETIOV(&iov[parts], zeros, k); /* SETIOV evaluates its first argument twice */
			parts++;
			chunk += k;
		}
		if (MsgWritev(ctp->rcvid, iov, parts, done) == -1)
			return errno;
		done += chunk;
	}
	return EOK;
}

static int random_read(resmgr_context_t *ctp, io_read_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_read_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t n = (size_t)msg->i.nbytes;
	if (n > RANDOM_READ_MAX)
		n = RANDOM_READ_MAX;
	rng_stir();
	_IO_SET_READ_NBYTES(ctp, n);
	if (n <= RNG_CHUNK) {
		rng_generate(rbuf, n);
		return _RESMGR_PTR(ctp, rbuf, n);
	}
	for (size_t done = 0; done < n;) {
		size_t k = n - done < RNG_CHUNK ? n - done : RNG_CHUNK;
		rng_generate(rbuf, k);
		long w = MsgWrite(ctp->rcvid, rbuf, k, done);
		if (w == -1)
			return errno;
		done += k;
	}
	memset(rbuf, 0, sizeof(rbuf));
	return EOK;
}

/* Writing to /dev/random or /dev/urandom mixes the data into the state. */
static int random_write(resmgr_context_t *ctp, io_write_t *msg, iofunc_ocb_t *ocb)
{
	int r = iofunc_write_verify(ctp, msg, ocb, NULL);
	if (r)
		return r;
	size_t n = (size_t)msg->i.nbytes;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < RNG_CHUNK ? n - done : RNG_CHUNK;
		long got = resmgr_msgread(ctp, rbuf, k, sizeof(msg->i) + done);
		if (got <= 0)
			return got == 0 ? EBADMSG : errno;
		rng_absorb(rbuf, (size_t)got);
		done += (size_t)got;
	}
	memset(rbuf, 0, sizeof(rbuf));
	_IO_SET_WRITE_NBYTES(ctp, n);
	return EOK;
}

/* Every device can be read and written at once: never arms anything. */
static int always_ready(resmgr_context_t *ctp, io_notify_t *msg, iofunc_ocb_t *ocb)
{
	static iofunc_notify_t none[3];
	return iofunc_notify(ctp, msg, none, _NOTIFY_COND_INPUT | _NOTIFY_COND_OUTPUT, NULL, NULL);
}

static void usage(void)
{
	fprintf(stderr, "usage: dev-misc [-v]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose++;
		else
			usage();
	}
	if (chacha20_selftest() != 0) {
		fprintf(stderr, "dev-misc: ChaCha20 known-answer test failed\n");
		return 1;
	}
	int hw = rng_init();
	if (verbose)
		printf("dev-misc: generator seeded from %s\n",
		       hw ? "RDRAND and TSC jitter" : "TSC jitter (no RDRAND)");

	dispatch_t *dpp = dispatch_create();
	if (!dpp) {
		perror("dev-misc: dispatch_create");
		return 1;
	}
	static resmgr_connect_funcs_t connect_funcs;
	static resmgr_io_funcs_t io[NDEV];
	iofunc_func_init(_RESMGR_CONNECT_NFUNCS, &connect_funcs, _RESMGR_IO_NFUNCS, &io[0]);
	io[0].notify = always_ready;
	for (int i = 1; i < NDEV; i++)
		io[i] = io[0];
	io[DEV_NULL].read = null_read;
	io[DEV_NULL].write = null_write;
	io[DEV_ZERO].read = zero_read;
	io[DEV_ZERO].write = null_write;
	io[DEV_FULL].read = zero_read;
	io[DEV_FULL].write = full_write;
	io[DEV_RANDOM].read = io[DEV_URANDOM].read = random_read;
	io[DEV_RANDOM].write = io[DEV_URANDOM].write = random_write;

	static iofunc_mount_t mount;
	static iofunc_attr_t attrs[NDEV];
	mount.dev = makedev(0, (unsigned)getpid());
	mount.blocksize = 4096;
	resmgr_attr_t rattr = {.nparts_max = 2};
	/* /dev/null (index 0) last: its appearance means all are attached */
	for (int i = NDEV - 1; i >= 0; i--) {
		iofunc_attr_init(&attrs[i], S_IFCHR | 0666, NULL, NULL);
		attrs[i].mount = &mount;
		attrs[i].inode = (uint64_t)i + 1;
		attrs[i].rdev = makedev(1, devs[i].minor);
		if (resmgr_attach(dpp, &rattr, devs[i].path, _FTYPE_ANY, 0, &connect_funcs, &io[i],
				  &attrs[i]) == -1) {
			fprintf(stderr, "dev-misc: resmgr_attach %s: %s\n", devs[i].path,
				strerror(errno));
			return 1;
		}
		if (verbose)
			printf("dev-misc: serving %s\n", devs[i].path);
	}
	dispatch_context_t *ctp = dispatch_context_alloc(dpp);
	if (!ctp) {
		perror("dev-misc: dispatch_context_alloc");
		return 1;
	}
	for (;;) {
		if (dispatch_block(ctp)) {
			dispatch_handler(ctp);
		} else if (errno != EINTR) {
			perror("dev-misc: dispatch_block");
			return 1;
		}
	}
}
