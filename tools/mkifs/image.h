/*
 * Boot image building and reading (format: neutrino/public/sys/imagefs.h).
 * image_load.c reads the host files a parsed buildfile names, image_write.c
 * lays the image out and saves it, image_read.c checks and lists an image.
 * Used by mkifs's main.c and by the host unit tests.
 */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <sys/imagefs.h>

#include "buildfile.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkifs writes the little-endian image with plain stores"
#endif

struct image {
	uint8_t *buf;   /* malloc'd, owned by the caller after image_build() */
	size_t size;
};

/*
 * Read the host file of every FILE entry into e->data and set mtime (host
 * files: their mtime; others: now) and perms (host files without perms=: the
 * host bits). Checks that the +boot entry is an x86_64 ELF executable.
 * Returns 0, or -errno with err set to "file:line: reason".
 */
int image_load(struct bf_list *l, uint32_t now, struct bf_error *err);

/* Lay out a loaded list as an image in memory. Returns 0 or -ENOMEM/-EFBIG. */
int image_build(const struct bf_list *l, struct image *img, struct bf_error *err);

/*
 * Write img to path through a temporary file renamed into place, so that a
 * failure leaves no partial file. Returns 0 or -errno with err set.
 */
int image_save(const char *path, const struct image *img, struct bf_error *err);

/* Sum of the little-endian 32-bit words from byte 64 to size, zero padded. */
uint32_t ifs_checksum(const uint8_t *buf, uint64_t size);

/*
 * Check an image of len bytes: header, checksum, every entry's bounds, name
 * order, one +boot file, at most one +script. what names the image in
 * messages ("what: reason"). Returns 0 or -EINVAL.
 */
int ifs_verify(const uint8_t *buf, size_t len, const char *what, struct bf_error *err);

/* For a verified image: the entry called name (NULL if none), and names. */
const struct ifs_dirent *ifs_lookup(const uint8_t *buf, const char *name);
const char *ifs_str(const uint8_t *buf, uint32_t off);

/* Print one line per entry of a verified image ("mode uid gid size name"). */
void ifs_list(const uint8_t *buf, FILE *out);
