/* vocabulary: the words of diets, goals and equipment, and their published document. */
#include "vocabulary.h"
#include "arena.h"
#include "json.h"
#include "str.h"
#include "validate.h"

static const struct vocabulary_word diets[] = {
	{"omnivore", "Omnivore"},
	{"vegetarian", "Vegetarian"},
	{"vegan", "Vegan"},
	{"pescatarian", "Pescatarian"},
	{"keto", "Keto"},
	{"paleo", "Paleo"},
	{"gluten-free", "Gluten-free"},
	{"dairy-free", "Dairy-free"},
	{"low-carb", "Low-carb"},
	{"high-protein", "High-protein"},
	{NULL, NULL},
};

static const struct vocabulary_word goals[] = {
	{"lose-weight", "Lose weight"},
	{"build-muscle", "Build muscle"},
	{"improve-endurance", "Improve endurance"},
	{"eat-healthier", "Eat healthier"},
	{"reduce-stress", "Reduce stress"},
	{"run-5k", "Run 5K"},
	{"improve-mobility", "Improve mobility"},
	{NULL, NULL},
};

static const struct vocabulary_word equipment[] = {
	{"dumbbells", "Dumbbells"},
	{"kettlebell", "Kettlebell"},
	{"resistance-band", "Resistance band"},
	{"mat", "Mat"},
	{"pull-up-bar", "Pull-up bar"},
	{"bench", "Bench"},
	{"treadmill", "Treadmill"},
	{"bike", "Bike"},
	{"rower", "Rower"},
	{NULL, NULL},
};

const struct vocabulary vocabulary_diets = {"diets", diets};
const struct vocabulary vocabulary_goals = {"goals", goals};
const struct vocabulary vocabulary_equipment = {"equipment", equipment};

bool vocabulary_has(const struct vocabulary *voc, const char *word)
{
	for (const struct vocabulary_word *w = voc->words; word && w->slug; w++)
		if (str_eq(w->slug, word))
			return true;
	return false;
}

bool vocabulary_check(struct validate *v, const char *field, const char *word, const struct vocabulary *voc)
{
	size_t n = 0;
	const char **slugs;

	if (vocabulary_has(voc, word))
		return true;
	while (voc->words[n].slug)
		n++;
	slugs = arena_alloc(v->arena, (n + 1) * sizeof(*slugs));
	for (size_t i = 0; i <= n; i++)
		slugs[i] = voc->words[i].slug;
	return validate_choice(v, field, word ? word : "", slugs);
}

const char *vocabulary_json(struct arena *a)
{
	static const struct vocabulary *const all[] = {&vocabulary_diets, &vocabulary_goals, &vocabulary_equipment};
	struct json *doc = json_new_object(a);

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		struct json *list = json_set_array(doc, all[i]->name);

		for (const struct vocabulary_word *w = all[i]->words; w->slug; w++) {
			struct json *o = json_push_object(list);

			json_set_string(o, "slug", w->slug);
			json_set_string(o, "label", w->label);
		}
	}
	return json_serialize(doc, NULL);
}
