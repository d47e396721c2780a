/* ctl/content: motusctl content publish, unpublish, delete, schedule, publish-due: the CMS's operations by slug. */
#include "clock.h"
#include "content_edit.h"
#include "ctl.h"
#include "worker.h"

#include <stdio.h>

/* The id of the live item with this slug: 1, or 0 with the message printed. */
static int by_slug(const struct ctl *c, const char *slug, int64_t *id)
{
	struct err e = {0};

	switch (content_edit_find_slug(c->w, c->w->arena, slug, id, &e)) {
	case 1:
		return 1;
	case 0:
		ctl_fail(c, "no content with slug %s", slug);
		return 0;
	default:
		ctl_fail(c, "%s", e.msg);
		return 0;
	}
}

static int set_published(struct ctl *c, const char *slug, bool published)
{
	struct op op;
	int64_t id;
	int rc;

	if (!by_slug(c, slug, &id))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, content_edit_set_published(c->w, &op, id, published));
	if (rc == 0)
		printf("%s %s\n", slug, published ? "published" : "unpublished (now a draft)");
	return rc;
}

CTL_COMMAND(ctl_content_publish)
{
	(void)argc;
	return set_published(c, argv[0], true);
}

CTL_COMMAND(ctl_content_unpublish)
{
	(void)argc;
	return set_published(c, argv[0], false);
}

CTL_COMMAND(ctl_content_delete)
{
	struct op op;
	int64_t id;
	int rc;

	(void)argc;
	if (!by_slug(c, argv[0], &id))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, content_edit_delete(c->w, &op, id));
	if (rc == 0)
		printf("%s deleted\n", argv[0]);
	return rc;
}

CTL_COMMAND(ctl_content_schedule)
{
	struct op op;
	int64_t id, at;
	int rc;

	(void)argc;
	if (clock_parse_utc(argv[1], &at) < 0)
		return ctl_usage(c, "'%s' is not a time like '2026-05-01 07:00:00Z'", argv[1]);
	if (!by_slug(c, argv[0], &id))
		return 1;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, content_edit_schedule(c->w, &op, id, at));
	if (rc == 0)
		printf("%s scheduled for %s\n", argv[0], argv[1]);
	return rc;
}

CTL_COMMAND(ctl_content_publish_due)
{
	struct op op;
	long n = 0;
	int rc;

	(void)argc, (void)argv;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, content_edit_publish_due(c->w, &op, &n));
	if (rc == 0)
		printf("%ld scheduled item%s published\n", n, n == 1 ? "" : "s");
	return rc;
}
