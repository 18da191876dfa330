/*
 * The boot image format, shared by the host tool that writes it (tools/mkifs),
 * the kernel that starts the first program from it, and procnto which serves
 * it as /proc/boot.
 *
 * Layout (all integers little-endian, all offsets from the image start):
 *   struct ifs_header
 *   struct ifs_dirent[n_entries]          sorted by name (strcmp order)
 *   string table (NUL-terminated names, link targets)
 *   file data, each file starting on a 4 KiB boundary so it can be mapped
 *
 * Names are relative paths without a leading slash ("bin/sh", "hello").
 * The image is read-only once built; a checksum covers everything after the
 * header so that a truncated or corrupted module is refused with a message.
 */
#pragma once
#include <stdint.h>

#define IFS_MAGIC "NTOIFS01"
#define IFS_DATA_ALIGN 4096u
#define IFS_NAME_MAX 255u

/* ifs_dirent.type */
#define IFS_TYPE_FILE 1
#define IFS_TYPE_DIR 2
#define IFS_TYPE_SYMLINK 3

/* ifs_dirent.flags */
#define IFS_F_BOOT 0x1   /* the program the kernel starts first (exactly one) */
#define IFS_F_SCRIPT 0x2 /* the startup script run by procnto (at most one) */

struct ifs_header {
	char magic[8];         /* IFS_MAGIC */
	uint32_t version;      /* 1 */
	uint32_t n_entries;
	uint64_t image_size;   /* whole image, bytes */
	uint64_t strtab_off;
	uint64_t strtab_size;
	uint32_t checksum;     /* sum of 32-bit little-endian words from byte 64 to image_size (zero-padded) */
	uint32_t reserved0;
	uint8_t reserved[16];
};

struct ifs_dirent {
	uint64_t data_off;     /* file data (FILE), 0 otherwise */
	uint64_t size;         /* bytes of data (FILE), target length (SYMLINK) */
	uint32_t name_off;     /* into the string table */
	uint32_t target_off;   /* SYMLINK target in the string table, 0 otherwise */
	uint32_t mode;         /* st_mode permission bits and file type bits (S_IFREG...) */
	uint32_t uid, gid;
	uint32_t mtime;        /* seconds since the epoch, from the host file or build time */
	uint16_t type;         /* IFS_TYPE_* */
	uint16_t flags;        /* IFS_F_* */
	uint32_t reserved;
};

_Static_assert(sizeof(struct ifs_header) == 64, "ifs_header layout");
_Static_assert(sizeof(struct ifs_dirent) == 48, "ifs_dirent layout");
