/*
 * tag: the tags editors put on content (slug + display name). Items refer to
 * tags by slug; a tag's name is what the apps show (GET /v1/tags), so a
 * change to one bumps the "content" cache generation after its commit. Each
 * change is an operation (op.h) with its audit entry.
 */
#ifndef MOTUS_TAG_H
#define MOTUS_TAG_H

#include <stdbool.h>

#include "err.h"
#include "op.h"

struct arena;
struct validate;
struct worker;

#define TAG_SLUG_MAX 50
#define TAG_NAME_MAX 80

/*
 * Every tag with how many live items (any status) carry it, by name:
 * [{slug, name, items, published}] as JSON text in a; NULL on error.
 */
const char *tag_list_counts(struct worker *w, struct arena *a, struct err *e);

/*
 * Records in v (fields "slug", "name") what is wrong with a new tag: slug 1
 * to 50 of a-z, 0-9 and - (not first); name 1 to 80 characters without
 * control characters. Pure. Returns validate_ok(v).
 */
bool tag_validate(const char *slug, const char *name, struct validate *v);

/*
 * Creates tag slug with name, audited as "tag.create". Invalid: the rules,
 * "slug" taken.
 */
enum op_outcome tag_create(struct worker *w, struct op *op, const char *slug, const char *name) MOTUS_MUSTCHECK;

/*
 * Gives tag slug a new name (its slug, which items refer to, stays), audited
 * as "tag.rename" with the tag before and after. Invalid: "name". Not found:
 * no such tag.
 */
enum op_outcome tag_rename(struct worker *w, struct op *op, const char *slug, const char *name) MOTUS_MUSTCHECK;

#endif
