/*
 * ioctl: forwarded as _IO_DEVCTL with the Linux request number as dcmd and
 * the Linux structure as data (<sys/dcmd_chr.h>). The data's size and
 * direction come from the terminal table of dcmd_chr.h for the classic
 * requests, else from the _IOC bits; an int argument passed by value
 * travels as 4 bytes. FIOCLEX/FIONCLEX/FIONBIO/FIOASYNC are fd state and
 * handled here. A server that does not know the request answers ENOTTY
 * (ENOSYS is reported as ENOTTY too).
 */
#include <kcall/kcall_gen.h>
#include <sys/dcmd_chr.h>

#include "fdpriv.h"

#define ARG_INOUT 4 /* _IOWR: sent and filled */

static long ioctl_local(int fd, uint32_t req, uint64_t arg)
{
	int32_t v;
	switch (req) {
	case L_FIOCLEX:
	case L_FIONCLEX: {
		long f = ker_connect_flags(0, fd, _NTO_COF_CLOEXEC,
					   req == L_FIOCLEX ? _NTO_COF_CLOEXEC : 0);
		return f < 0 ? f : 0;
	}
	case L_FIONBIO: {
		if (copy_from_user(&v, arg, sizeof(v)))
			return -EFAULT;
		long fl = fd_getfl(fd);
		if (fl < 0)
			return fl;
		fl = v ? (fl | L_O_NONBLOCK) : (fl & ~(long)L_O_NONBLOCK);
		return fd_setfl(fd, (int)fl);
	}
	case L_FIOASYNC:
		if (copy_from_user(&v, arg, sizeof(v)))
			return -EFAULT;
		return v ? -EINVAL : 0; /* no SIGIO delivery */
	}
	return 1;
}

long sys_ioctl(const uint64_t *a, struct trapframe *tf)
{
	int fd = (int)a[0];
	uint32_t req = (uint32_t)a[1];
	uint64_t arg = a[2];
	if (!fd_conn(fd))
		return console_fallback(fd) ? -ENOTTY : -EBADF;
	long r = ioctl_local(fd, req, arg);
	if (r <= 0)
		return r;

	struct _dcmd_chr_info info;
	unsigned kind = _DCMD_CHR_ARG_NONE, size = 0;
	if (_dcmd_chr_lookup(req, &info) == 0) {
		kind = info.arg;
		size = info.size;
	} else if (L_IOC_SIZE(req) && L_IOC_DIR(req)) {
		size = L_IOC_SIZE(req);
		unsigned dir = L_IOC_DIR(req);
		kind = dir == (L_IOC_READ | L_IOC_WRITE) ? ARG_INOUT
		       : dir == L_IOC_READ		  ? _DCMD_CHR_ARG_OUT
							  : _DCMD_CHR_ARG_IN;
	}
	if (kind != _DCMD_CHR_ARG_NONE && kind != _DCMD_CHR_ARG_VALUE && size &&
	    !uaccess_range_ok(arg, size))
		return -EFAULT;
	int32_t value = (int32_t)arg;
	struct _io_devctl hdr = { .type = _IO_DEVCTL, .dcmd = (int32_t)req, .nbytes = (int32_t)size };
	struct _io_devctl_reply rep = { 0 };
	struct ipc_iov s[2] = { { (uaddr_t)&hdr, sizeof(hdr) } }, rv[2] = { { (uaddr_t)&rep, sizeof(rep) } };
	unsigned sn = 1, rn = 1;
	switch (kind) {
	case _DCMD_CHR_ARG_VALUE:
		s[sn++] = (struct ipc_iov){ (uaddr_t)&value, sizeof(value) };
		hdr.nbytes = sizeof(value);
		break;
	case _DCMD_CHR_ARG_IN:
		s[sn++] = (struct ipc_iov){ arg, size };
		break;
	case _DCMD_CHR_ARG_OUT:
		rv[rn++] = (struct ipc_iov){ arg, size };
		break;
	case ARG_INOUT:
		s[sn++] = (struct ipc_iov){ arg, size };
		rv[rn++] = (struct ipc_iov){ arg, size };
		break;
	default:
		hdr.nbytes = 0;
		break;
	}
	r = fd_sendv(fd, s, sn, rv, rn);
	if (r < 0)
		return r == -ENOSYS ? -ENOTTY : r;
	return rep.ret_val;
}
