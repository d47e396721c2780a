/*
 * fuzz: what every libFuzzer target of tests/fuzz/ shares. A target defines
 * LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer, `make all`
 * with replay.c, which feeds it the corpus and the crashers kept in the tree.
 */
#ifndef MOTUS_FUZZ_H
#define MOTUS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Declared here because the warnings ask every external function for a prototype. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A violated invariant: say which, then abort, which libFuzzer and the replay both report as a crash. */
#define FUZZ_ASSERT(cond)                                                                            \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

/* The input as a NUL-terminated string in the arena (an embedded NUL ends it, as it would a C caller's). */
static inline char *fuzz_cstr(struct arena *a, const uint8_t *data, size_t size)
{
	char *s = arena_alloc(a, size + 1);

	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Cuts s at its first newline: returns what follows (NULL when there is no
 * newline) and leaves the first line in s. Targets that take several strings
 * take them one per line.
 */
static inline char *fuzz_next_line(char *s)
{
	char *nl = s ? strchr(s, '\n') : NULL;

	if (!nl)
		return NULL;
	*nl = '\0';
	return nl + 1;
}

#endif
