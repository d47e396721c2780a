/* arena: bump allocation in chained blocks, reset once per request. */
#include "arena.h"
#include "xmalloc.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN alignof(max_align_t)

struct block {
	struct block *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
};

struct cleanup {
	struct cleanup *next;
	void (*fn)(void *);
	void *ptr;
};

struct arena {
	struct block *first, *current;
	struct cleanup *cleanups;
	size_t block_size, used;
#ifdef MOTUS_ARENA_MALLOC
	void **allocs;
	size_t nallocs, cap_allocs;
#endif
};

static struct block *block_new(size_t size)
{
	struct block *b = xmalloc(sizeof(*b) + size);

	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t block_size)
{
	struct arena *a = xcalloc(1, sizeof(*a));

	a->block_size = block_size < 1024 ? 1024 : block_size;
	a->first = a->current = block_new(a->block_size);
	return a;
}

static void run_cleanups(struct arena *a)
{
	while (a->cleanups) {
		struct cleanup *c = a->cleanups;

		a->cleanups = c->next;
		c->fn(c->ptr);
	}
}

static void free_blocks(struct block *b)
{
	while (b) {
		struct block *next = b->next;

		free(b);
		b = next;
	}
}

#ifdef MOTUS_ARENA_MALLOC
static void free_allocs(struct arena *a)
{
	for (size_t i = 0; i < a->nallocs; i++)
		free(a->allocs[i]);
	a->nallocs = 0;
}
#endif

void arena_reset(struct arena *a)
{
	run_cleanups(a);
#ifdef MOTUS_ARENA_MALLOC
	free_allocs(a);
#endif
	free_blocks(a->first->next);
	a->first->next = NULL;
	a->first->used = 0;
	a->current = a->first;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	run_cleanups(a);
#ifdef MOTUS_ARENA_MALLOC
	free_allocs(a);
	free(a->allocs);
#endif
	free_blocks(a->first);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(ALIGN - 1);
	struct block *b = a->current;

	if (need < n)
		abort(); /* size overflow */
	a->used += n;
#ifdef MOTUS_ARENA_MALLOC
	if (a->nallocs == a->cap_allocs) {
		a->cap_allocs = a->cap_allocs ? a->cap_allocs * 2 : 64;
		a->allocs = xrealloc(a->allocs, a->cap_allocs * sizeof(*a->allocs));
	}
	(void)b;
	return a->allocs[a->nallocs++] = xmalloc(n);
#else
	if (b->size - b->used < need) {
		struct block *nb = block_new(need > a->block_size ? need : a->block_size);

		nb->next = b->next;
		b->next = nb;
		a->current = b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	return p;
#endif
}

void *arena_zalloc(struct arena *a, size_t n)
{
	return memset(arena_alloc(a, n), 0, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_defer(struct arena *a, void (*fn)(void *), void *ptr)
{
	struct cleanup *c = arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->ptr = ptr;
	c->next = a->cleanups;
	a->cleanups = c;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

size_t arena_held(const struct arena *a)
{
	size_t n = 0;

	for (const struct block *b = a->first; b; b = b->next)
		n += sizeof(*b) + b->size;
#ifdef MOTUS_ARENA_MALLOC
	n += a->used; /* every allocation is live until the reset, and nothing is freed before */
#endif
	return n;
}
