/* ctl/media: motusctl media add and list: the media library, with the CMS upload's checks. */
#include "arena.h"
#include "ctl.h"
#include "media.h"
#include "str.h"
#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The file's bytes, at most one over the largest cap (the operation says which cap a file breaks); NULL: printed. */
static char *read_file(const struct ctl *c, const char *path, size_t *len)
{
	size_t cap = (size_t)MEDIA_MAX_VIDEO_BYTES + 1;
	FILE *f = fopen(path, "rb");
	char *data;

	if (!f) {
		ctl_fail(c, "%s: %s", path, strerror(errno));
		return NULL;
	}
	data = arena_alloc(c->w->arena, cap);
	*len = 0;
	for (size_t k; *len < cap && (k = fread(data + *len, 1, cap - *len, f)) > 0;)
		*len += k;
	if (ferror(f)) {
		ctl_fail(c, "%s: read error", path);
		data = NULL;
	}
	fclose(f);
	return data;
}

CTL_COMMAND(ctl_media_add)
{
	const char *path = NULL, *type = NULL, *slash;
	struct media m;
	struct op op;
	char *data;
	size_t len;
	int rc;

	for (int i = 0; i < argc; i++) {
		if (str_eq(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else if (argv[i][0] == '-' || path)
			return ctl_usage(c, "unexpected %s", argv[i]);
		else
			path = argv[i];
	}
	if (!path)
		return ctl_usage(c, "which FILE?");
	if (!(data = read_file(c, path, &len)))
		return 1;
	slash = strrchr(path, '/');
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, media_store(c->w, &op, data, len, slash ? slash + 1 : path, type, &m));
	if (rc == 0)
		/* Images: the public URL (for content.image_url); video and audio: where a signed URL is asked for. */
		printf("%s %s\n", m.id, m.url ? m.url : arena_printf(c->w->arena, "/v1/media/%s", m.id));
	return rc;
}

CTL_COMMAND(ctl_media_list)
{
	struct media_page page;
	struct err e = {0};
	long limit = 20;

	if (argc == 2 && str_to_long(argv[1], 1, 100, &limit) < 0)
		return ctl_usage(c, "LIMIT is a number from 1 to 100");
	if (media_list(c->w, c->w->arena, argc >= 1 && !str_eq(argv[0], "all") ? argv[0] : NULL, 0, (int)limit, &page,
		       &e) < 0)
		return ctl_fail(c, "%s", e.msg);
	for (size_t i = 0; i < page.n; i++)
		printf("%s  %-5s  %-10s  %10" PRId64 "  %s  %s  %s\n", page.items[i].id, page.items[i].kind,
		       page.items[i].content_type, page.items[i].bytes, page.items[i].created_at,
		       page.items[i].storage_name, page.items[i].original_name);
	return 0;
}
