/*
 * tmpl_set: the named templates of a worker, compiled at start-up (usually
 * from a directory) and read-only afterwards. Partial and parent tags are
 * resolved against the set when a template is rendered.
 */
#ifndef MOTUS_TMPL_SET_H
#define MOTUS_TMPL_SET_H

#include <stddef.h>

#include "err.h"

struct buf;
struct json;
struct tmpl;

struct tmpl_set;

/* An empty set. Never NULL. */
struct tmpl_set *tmpl_set_new(void);

/* Frees the set and every template in it. NULL is fine. */
void tmpl_set_free(struct tmpl_set *set);

/*
 * Compiles text[0..len) as template `name` and adds it to the set, which owns
 * it from then on. Fails with the tmpl_compile error, or TMPL_ERR_DUPLICATE
 * when the name is taken (the set is unchanged on failure).
 */
int tmpl_set_add(struct tmpl_set *set, const char *name, const char *text, size_t len, struct err *e) MOTUS_MUSTCHECK;

/*
 * Adds every *.mustache, *.html and *.txt file under dir, recursively, named
 * by its path relative to dir without the extension ("mail/welcome" for
 * dir/mail/welcome.txt). Entries whose names start with a dot are skipped.
 * Fails with TMPL_ERR_IO (unreadable entry, file over 4 MiB, directories
 * nested deeper than 16), a compile error or TMPL_ERR_DUPLICATE (e.g. both
 * a.html and a.txt); templates added before the failure stay in the set.
 */
int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct err *e) MOTUS_MUSTCHECK;

/* The template called name, or NULL. set may be NULL. */
const struct tmpl *tmpl_set_get(const struct tmpl_set *set, const char *name);

/* Number of templates in the set. */
size_t tmpl_set_count(const struct tmpl_set *set);

/*
 * tmpl_render of the template called name; TMPL_ERR_NOT_FOUND when there is
 * none (a handler's bug, unlike a missing partial, which renders as nothing).
 */
int tmpl_set_render(const struct tmpl_set *set, const char *name, const struct json *data, struct buf *out,
		    struct err *e) MOTUS_MUSTCHECK;

#endif
