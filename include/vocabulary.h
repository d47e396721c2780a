/*
 * vocabulary: the one list of words for diets, goals and equipment, shared
 * by a user's preferences, the content's bodies and the catalogue's filters,
 * and published as GET /v1/vocabularies so the apps offer the same choices.
 * Words are slugs ("gluten-free", "resistance-band"), each with a label for
 * people.
 */
#ifndef MOTUS_VOCABULARY_H
#define MOTUS_VOCABULARY_H

#include <stdbool.h>

struct arena;
struct validate;

/* The words change with a release only. */
#define VOCABULARY_CACHE_CONTROL "public, max-age=3600"

struct vocabulary_word {
	const char *slug, *label;
};

struct vocabulary {
	const char *name;                    /* "diets": its key in the published document */
	const struct vocabulary_word *words; /* ends with {NULL, NULL} */
};

extern const struct vocabulary vocabulary_diets, vocabulary_goals, vocabulary_equipment;

/* True when word is one of voc's slugs. */
bool vocabulary_has(const struct vocabulary *voc, const char *word);

/* Like validate_choice: records "invalid" at field, naming the vocabulary, unless word is one of voc's. */
bool vocabulary_check(struct validate *v, const char *field, const char *word, const struct vocabulary *voc);

/* The published document {"diets": [{slug, label}], "goals": [...], "equipment": [...]} as JSON text. */
const char *vocabulary_json(struct arena *a);

#endif
