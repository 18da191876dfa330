/*
 * Just enough AML to find the S5 (soft off) sleep type values: a byte scan
 * for NameOp "_S5_" followed by a PackageOp, then the first two package
 * elements decoded. No interpreter: an _S5 computed by a method is not
 * found, and the caller falls back to other ways of powering off.
 * Called by acpi.c for the DSDT (and SSDTs if the DSDT has no _S5).
 */
#include <arch/platform.h>

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE 0x12
#define AML_ROOT_CHAR '\\'

/* Decode one integer data object at *pp (bounded by end); advance past it.
 * Accepts ZeroOp, OneOp, the byte/word/dword/qword prefixes, and a bare
 * small value as some firmware emits. Returns false for anything else. */
static bool aml_int(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	size_t n;
	if (p >= end)
		return false;
	switch (*p) {
	case AML_ZERO:
	case AML_ONE:
		*v = *p;
		*pp = p + 1;
		return true;
	case AML_BYTE_PREFIX: n = 1; break;
	case AML_WORD_PREFIX: n = 2; break;
	case AML_DWORD_PREFIX: n = 4; break;
	case AML_QWORD_PREFIX: n = 8; break;
	default:
		if (*p > 7) /* not a plausible SLP_TYP value: some other opcode */
			return false;
		*v = *p;
		*pp = p + 1;
		return true;
	}
	if ((size_t)(end - p) < 1 + n)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) /* AML integers are little-endian */
		*v |= (uint64_t)p[1 + i] << (8 * i);
	*pp = p + 1 + n;
	return true;
}

/* Parse "PackageOp PkgLength NumElements a b ..." at p; true if a and b are
 * valid 3-bit sleep types. */
static bool s5_package(const uint8_t *p, const uint8_t *end, uint16_t *a, uint16_t *b)
{
	if (p >= end || *p++ != AML_PACKAGE || p >= end)
		return false;
	/* PkgLength: bits 7:6 of the lead byte count the follow bytes */
	size_t follow = *p >> 6;
	size_t pkglen = follow ? (*p & 0x0F) : (*p & 0x3F);
	if ((size_t)(end - p) < 1 + follow + 1)
		return false;
	for (size_t i = 0; i < follow; i++)
		pkglen |= (size_t)p[1 + i] << (4 + 8 * i);
	const uint8_t *pkg_end = p + pkglen; /* PkgLength counts itself */
	if (pkglen < 1 + follow + 1 || pkg_end > end)
		return false;
	p += 1 + follow;
	uint8_t nelem = *p++;
	uint64_t va, vb;
	if (nelem < 2 || !aml_int(&p, pkg_end, &va) || !aml_int(&p, pkg_end, &vb))
		return false;
	if (va > 7 || vb > 7)
		return false;
	*a = (uint16_t)va;
	*b = (uint16_t)vb;
	return true;
}

bool aml_find_s5(const uint8_t *aml, size_t len, uint16_t *typ_a, uint16_t *typ_b)
{
	const uint8_t *end = aml + len;
	for (size_t i = 1; i + 5 <= len; i++) {
		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		/* must be the NameString of a NameOp: "08 _S5_" or "08 \ _S5_" */
		bool named = aml[i - 1] == AML_NAME ||
			     (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME);
		if (named && s5_package(aml + i + 4, end, typ_a, typ_b))
			return true;
	}
	return false;
}
