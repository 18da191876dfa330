/*
 * restartd's store (restart_store.h): the bytes each entity leaves for its
 * next incarnation. _RESTART_STORE_SET and _GET arrive on restartd's
 * channel (status.c passes them here); the sender must be the current
 * incarnation of an entity, found by its pid. A change is passed on to
 * procnto with restartd's own state (guard_update, state.c), so that the
 * bytes also survive a restart of restartd.
 */
#include <errno.h>
#include <string.h>
#include <sys/neutrino.h>

#include "restart_store.h"
#include "restartd.h"

static int store_set(resmgr_context_t *ctp, struct entity *e, const struct _restart_store *m)
{
	if (m->len > RESTART_STORE_MAX)
		return EMSGSIZE;
	if (ctp->size < sizeof(*m) + m->len)
		return EBADMSG;
	const uint8_t *data = (const uint8_t *)ctp->msg + sizeof(*m);
	if (e->store_len == m->len && !memcmp(e->store, data, m->len))
		return EOK;
	memcpy(e->store, data, m->len);
	e->store_len = (uint16_t)m->len;
	if (verbose > 0)
		rd_log("%s: pid %d stored %u bytes", e->name, e->pid, (unsigned)m->len);
	guard_update();
	return EOK;
}

int store_msg(resmgr_context_t *ctp)
{
	struct _restart_store m;
	if (ctp->size < sizeof(m))
		return EBADMSG;
	memcpy(&m, ctp->msg, sizeof(m));
	struct entity *e = entity_by_pid(ctp->info.pid);
	if (!e)
		return ENOENT;
	if (m.type == _RESTART_STORE_SET)
		return store_set(ctp, e, &m);
	size_t n = e->store_len < m.len ? e->store_len : m.len;
	MsgReply(ctp->rcvid, (long)n, e->store, n);
	return _RESMGR_NOREPLY;
}

void store_drop(struct entity *e)
{
	if (!e->store_len)
		return;
	rd_log("%s: dropped the %u bytes its incarnations stored (crash loop)", e->name,
	       (unsigned)e->store_len);
	e->store_len = 0;
}

int store_encode(const struct entity *e, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	if (!e->store_len)
		return cap >= 2 ? (buf[0] = '-', buf[1] = '\0', 1) : -1;
	if (cap < 2u * e->store_len + 1)
		return -1;
	for (unsigned i = 0; i < e->store_len; i++) {
		buf[2 * i] = hex[e->store[i] >> 4];
		buf[2 * i + 1] = hex[e->store[i] & 15];
	}
	buf[2 * e->store_len] = '\0';
	return (int)(2 * e->store_len);
}

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void store_decode(struct entity *e, const char *text)
{
	size_t n = strlen(text);
	e->store_len = 0;
	if (!strcmp(text, "-") || n % 2 || n / 2 > RESTART_STORE_MAX)
		return;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return;
		e->store[i] = (uint8_t)(hi << 4 | lo);
	}
	e->store_len = (uint16_t)(n / 2);
}
