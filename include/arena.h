/*
 * arena: request-scoped memory. Everything a request allocates comes from one
 * arena and is released in one step by arena_reset() after the response.
 * Foreign objects (PGresult, json-c trees, memcached values) are tied to the
 * arena with arena_defer() and released by the same reset.
 *
 * Built with MOTUS_ARENA_MALLOC (the ASan build), every allocation is its own
 * malloc so the sanitizer sees overflows between allocations.
 */
#ifndef MOTUS_ARENA_H
#define MOTUS_ARENA_H

#include <stddef.h>

struct arena;

/* A new arena whose blocks hold at least block_size bytes. Never NULL. */
struct arena *arena_new(size_t block_size);

/* Runs the deferred cleanups, then frees every block and the arena itself. */
void arena_free(struct arena *a);

/*
 * Runs deferred cleanups (last registered first) and makes all memory
 * reusable. Keeps the first block so a steady worker does not touch malloc.
 */
void arena_reset(struct arena *a);

/* n bytes aligned for any type; valid until the next reset. Never NULL. */
void *arena_alloc(struct arena *a, size_t n) __attribute__((malloc, returns_nonnull));
void *arena_zalloc(struct arena *a, size_t n) __attribute__((malloc, returns_nonnull));
char *arena_strdup(struct arena *a, const char *s) __attribute__((returns_nonnull));
char *arena_strndup(struct arena *a, const char *s, size_t n) __attribute__((returns_nonnull));
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3), returns_nonnull));

/* Calls fn(ptr) at the next reset or free. */
void arena_defer(struct arena *a, void (*fn)(void *), void *ptr);

/* Bytes handed out since the last reset (for metrics and tests). */
size_t arena_used(const struct arena *a);

/* Bytes the arena holds from malloc right now: its blocks (its allocations, built with MOTUS_ARENA_MALLOC). */
size_t arena_held(const struct arena *a);

#endif
