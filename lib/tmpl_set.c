/* tmpl_set: named templates in a sorted array, loaded from a directory tree at start-up. */
#include "tmpl_set.h"
#include "tmpl.h"
#include "xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE      (4 << 20)
#define MAX_DIR_DEPTH 16

struct tmpl_set {
	struct tmpl **items; /* sorted by name */
	size_t n, cap;
};

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_free(set->items[i]);
	free(set->items);
	free(set);
}

/* Index of name, or of where it would go (with *found false). */
static size_t find(const struct tmpl_set *set, const char *name, bool *found)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, tmpl_name(set->items[mid]));

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *text, size_t len, struct err *e)
{
	bool found;
	size_t at = find(set, name, &found);
	struct tmpl *t;

	if (found)
		return err_set_field(e, TMPL_ERR_DUPLICATE, name, "two templates are called '%s'", name);
	t = tmpl_compile(name, text, len, e);
	if (!t)
		return -1;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->items = xrealloc(set->items, set->cap * sizeof(*set->items));
	}
	memmove(set->items + at + 1, set->items + at, (set->n - at) * sizeof(*set->items));
	set->items[at] = t;
	set->n++;
	return 0;
}

const struct tmpl *tmpl_set_get(const struct tmpl_set *set, const char *name)
{
	bool found;
	size_t at;

	if (!set)
		return NULL;
	at = find(set, name, &found);
	return found ? set->items[at] : NULL;
}

size_t tmpl_set_count(const struct tmpl_set *set)
{
	return set ? set->n : 0;
}

int tmpl_set_render(const struct tmpl_set *set, const char *name, const struct json *data, struct buf *out,
		    struct err *e)
{
	const struct tmpl *t = tmpl_set_get(set, name);

	if (!t)
		return err_set_field(e, TMPL_ERR_NOT_FOUND, name, "no template called '%s'", name);
	return tmpl_render(set, t, data, out, e);
}

/* The length of name without a template extension, or 0 when it has none. */
static size_t template_stem(const char *name)
{
	static const char *const exts[] = {".mustache", ".html", ".txt"};
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
		size_t k = strlen(exts[i]);

		if (n > k && strcmp(name + n - k, exts[i]) == 0)
			return n - k;
	}
	return 0;
}

static int load_file(struct tmpl_set *set, const char *path, const char *name, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text;
	size_t got = 0;
	int rc;

	if (fd < 0)
		return err_set_field(e, TMPL_ERR_IO, name, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size > MAX_FILE) {
		rc = errno;
		close(fd);
		return err_set_field(e, TMPL_ERR_IO, name, "%s: %s", path,
				     st.st_size > MAX_FILE ? "larger than 4 MiB" : strerror(rc));
	}
	text = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, text + got, (size_t)st.st_size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(text);
		return err_set_field(e, TMPL_ERR_IO, name, "%s: short read", path);
	}
	rc = tmpl_set_add(set, name, text, got, e);
	free(text);
	return rc;
}

/* Loads dir/rel (rel "" at the top), naming templates by their path under dir. */
static int load_tree(struct tmpl_set *set, const char *dir, const char *rel, int depth, struct err *e)
{
	char path[4096], sub[4096];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > MAX_DIR_DEPTH)
		return err_set_field(e, TMPL_ERR_IO, rel, "%s/%s: directories nested deeper than %d", dir, rel,
				     MAX_DIR_DEPTH);
	if (snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel) >= (int)sizeof(path))
		return err_set_field(e, TMPL_ERR_IO, rel, "%s/%s: path too long", dir, rel);
	d = opendir(path);
	if (!d)
		return err_set_field(e, TMPL_ERR_IO, rel, "%s: %s", path, strerror(errno));
	while (rc == 0 && (errno = 0, de = readdir(d))) {
		char full[4096];
		struct stat st;
		size_t stem;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name) >= (int)sizeof(sub) ||
		    snprintf(full, sizeof(full), "%s/%s", path, de->d_name) >= (int)sizeof(full)) {
			rc = err_set_field(e, TMPL_ERR_IO, rel, "%s/%s: path too long", path, de->d_name);
			break;
		}
		if (stat(full, &st) < 0) {
			rc = err_set_field(e, TMPL_ERR_IO, sub, "%s: %s", full, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = load_tree(set, dir, sub, depth + 1, e);
		} else if (S_ISREG(st.st_mode) && (stem = template_stem(de->d_name))) {
			sub[strlen(sub) - strlen(de->d_name) + stem] = '\0';
			rc = load_file(set, full, sub, e);
		}
	}
	if (rc == 0 && errno)
		rc = err_set_field(e, TMPL_ERR_IO, rel, "%s: %s", path, strerror(errno));
	closedir(d);
	return rc;
}

int tmpl_set_load_dir(struct tmpl_set *set, const char *dir, struct err *e)
{
	return load_tree(set, dir, "", 0, e);
}
