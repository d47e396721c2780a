-- The demo catalogue: recipes across meals and diets, a dozen workouts and a
-- nine-run couch-to-5K set with WebVTT transcripts. Idempotent: re-seeding
-- restores every demo item (published, not deleted) and its tags.

INSERT INTO content (slug, kind, title, summary, body, image_url, duration_s, access, required_scope,
                     status, published_at, updated_at, deleted_at)
SELECT r.slug, 'recipe', r.title, r.summary,
       body_in_one_shape(jsonb_build_object('meal', r.meal, 'servings', r.servings,
                          'ingredients', (SELECT jsonb_agg(ingredient_from_line(i) ORDER BY n)
                                          FROM unnest(r.ingredients) WITH ORDINALITY AS u(i, n)),
                          'steps', to_jsonb(r.steps), 'diet', to_jsonb(r.diet),
                          'nutrition', jsonb_build_object('kcal', r.kcal, 'protein_g', r.protein))),
       'https://cdn.motus.example/img/recipes/' || r.slug || '.jpg', r.minutes * 60,
       CASE WHEN r.premium THEN 'premium' ELSE 'free' END,
       CASE WHEN r.premium THEN 'premium:plus' END,
       'published', timestamptz '2026-01-01 06:00Z' + r.n * interval '1 hour', now(), NULL
FROM (VALUES
 (1, 'overnight-oats', 'Overnight oats with berries', 'Creamy oats soaked overnight, topped with berries.', 'breakfast', ARRAY['vegetarian'], 1, 5, 380, 14,
  ARRAY['80 g rolled oats', '200 ml milk', '100 g mixed berries', '1 tsp honey'], ARRAY['Stir oats and milk in a jar.', 'Chill overnight.', 'Top with berries and honey.'], false),
 (2, 'spinach-omelette', 'Spinach and feta omelette', 'A fast high-protein breakfast in one pan.', 'breakfast', ARRAY['vegetarian', 'low-carb', 'gluten-free'], 1, 10, 320, 24,
  ARRAY['3 eggs', '1 handful spinach', '30 g feta'], ARRAY['Whisk the eggs.', 'Wilt the spinach in a hot pan.', 'Add eggs and feta, fold when set.'], false),
 (3, 'tofu-scramble', 'Turmeric tofu scramble', 'A vegan scramble with peppers and turmeric.', 'breakfast', ARRAY['vegan', 'gluten-free'], 2, 15, 290, 22,
  ARRAY['300 g firm tofu', '1 red pepper', '1 tsp turmeric', '1 tbsp olive oil'], ARRAY['Fry the pepper in oil.', 'Crumble in the tofu and turmeric.', 'Cook until hot through.'], false),
 (4, 'protein-pancakes', 'Banana protein pancakes', 'Three-ingredient pancakes for training days.', 'breakfast', ARRAY['vegetarian', 'gluten-free'], 1, 15, 410, 30,
  ARRAY['1 ripe banana', '2 eggs', '30 g protein powder'], ARRAY['Mash the banana.', 'Beat in eggs and protein.', 'Cook small pancakes two minutes a side.'], true),
 (5, 'green-smoothie-bowl', 'Green smoothie bowl', 'Spinach, mango and banana blended thick.', 'breakfast', ARRAY['vegan', 'gluten-free'], 1, 5, 340, 9,
  ARRAY['1 frozen banana', '100 g frozen mango', '1 handful spinach', '100 ml oat milk'], ARRAY['Blend everything until thick.', 'Top with seeds.'], false),
 (6, 'shakshuka', 'One-pan shakshuka', 'Eggs poached in spiced tomato and pepper sauce.', 'breakfast', ARRAY['vegetarian', 'gluten-free'], 2, 25, 360, 19,
  ARRAY['4 eggs', '400 g chopped tomatoes', '1 onion', '1 tsp cumin', '1 tsp paprika'], ARRAY['Soften the onion.', 'Add spices and tomatoes, simmer 10 minutes.', 'Crack in eggs, cover until set.'], true),
 (7, 'chicken-quinoa-bowl', 'Chicken quinoa power bowl', 'Grilled chicken, quinoa and roast vegetables.', 'lunch', ARRAY['gluten-free', 'high-protein'], 2, 30, 540, 42,
  ARRAY['2 chicken breasts', '150 g quinoa', '1 courgette', '1 red onion', 'lemon'], ARRAY['Cook the quinoa.', 'Roast the vegetables 20 minutes.', 'Grill the chicken and slice over the bowl.'], false),
 (8, 'lentil-soup', 'Red lentil and carrot soup', 'A warming soup ready in half an hour.', 'lunch', ARRAY['vegan', 'gluten-free'], 4, 30, 310, 16,
  ARRAY['250 g red lentils', '3 carrots', '1 onion', '1 l vegetable stock', '1 tsp cumin'], ARRAY['Soften onion and carrot.', 'Add lentils, stock and cumin.', 'Simmer 20 minutes and blend.'], false),
 (9, 'tuna-nicoise', 'Tuna nicoise salad', 'Classic salad with eggs, beans and olives.', 'lunch', ARRAY['gluten-free', 'high-protein'], 2, 20, 450, 35,
  ARRAY['2 tuna steaks', '4 eggs', '200 g green beans', '200 g new potatoes', 'olives'], ARRAY['Boil potatoes, beans and eggs.', 'Sear the tuna.', 'Assemble with olives and dressing.'], true),
 (10, 'chickpea-wrap', 'Smashed chickpea wrap', 'Lemony chickpeas with crunchy vegetables.', 'lunch', ARRAY['vegan'], 2, 10, 420, 15,
  ARRAY['400 g chickpeas', '2 wraps', '1 lemon', 'cucumber', 'tahini'], ARRAY['Smash the chickpeas with lemon and tahini.', 'Fill wraps with vegetables.'], false),
 (11, 'halloumi-salad', 'Grilled halloumi and watermelon salad', 'Salty, sweet and ready in ten minutes.', 'lunch', ARRAY['vegetarian', 'gluten-free'], 2, 10, 390, 18,
  ARRAY['225 g halloumi', '300 g watermelon', 'mint', 'rocket'], ARRAY['Grill halloumi slices.', 'Toss with watermelon, mint and rocket.'], false),
 (12, 'salmon-poke', 'Salmon poke bowl', 'Sushi rice, salmon, edamame and avocado.', 'lunch', ARRAY['dairy-free', 'high-protein'], 2, 25, 560, 33,
  ARRAY['250 g salmon', '150 g sushi rice', '100 g edamame', '1 avocado', 'soy sauce'], ARRAY['Cook the rice.', 'Cube salmon and marinate in soy.', 'Build the bowls.'], true),
 (13, 'turkey-chilli', 'Lean turkey chilli', 'A big-batch chilli for the week.', 'dinner', ARRAY['gluten-free', 'high-protein', 'dairy-free'], 4, 45, 480, 40,
  ARRAY['500 g turkey mince', '400 g kidney beans', '800 g chopped tomatoes', '1 onion', 'chilli powder'], ARRAY['Brown the mince.', 'Add onion, spices, tomatoes and beans.', 'Simmer 30 minutes.'], false),
 (14, 'veggie-curry', 'Sweet potato and spinach curry', 'Coconut curry that freezes well.', 'dinner', ARRAY['vegan', 'gluten-free'], 4, 35, 430, 10,
  ARRAY['2 sweet potatoes', '400 ml coconut milk', '2 tbsp curry paste', '200 g spinach'], ARRAY['Fry the curry paste.', 'Add sweet potato and coconut milk, simmer 20 minutes.', 'Stir in spinach.'], false),
 (15, 'salmon-traybake', 'Salmon and greens traybake', 'One tray, fifteen minutes in the oven.', 'dinner', ARRAY['gluten-free', 'dairy-free', 'low-carb'], 2, 25, 510, 38,
  ARRAY['2 salmon fillets', '200 g broccoli', '150 g asparagus', '1 lemon'], ARRAY['Heat the oven to 200 C.', 'Roast greens 5 minutes.', 'Add salmon and roast 12 minutes more.'], true),
 (16, 'beef-stir-fry', 'Ginger beef stir-fry', 'Quick beef and vegetables with noodles.', 'dinner', ARRAY['dairy-free', 'high-protein'], 2, 20, 580, 39,
  ARRAY['300 g beef strips', '200 g egg noodles', '1 pepper', 'ginger', 'soy sauce'], ARRAY['Sear the beef.', 'Stir-fry vegetables and ginger.', 'Toss with noodles and soy.'], false),
 (17, 'stuffed-peppers', 'Quinoa stuffed peppers', 'Peppers filled with quinoa, beans and feta.', 'dinner', ARRAY['vegetarian', 'gluten-free'], 4, 50, 390, 17,
  ARRAY['4 peppers', '150 g quinoa', '400 g black beans', '100 g feta'], ARRAY['Cook the quinoa.', 'Mix with beans and feta.', 'Fill peppers and bake 30 minutes.'], false),
 (18, 'chicken-fajitas', 'Sheet-pan chicken fajitas', 'Smoky chicken and peppers for the whole family.', 'dinner', ARRAY['dairy-free', 'high-protein'], 4, 30, 520, 36,
  ARRAY['500 g chicken thighs', '3 peppers', '1 onion', '8 tortillas', 'fajita spice'], ARRAY['Slice chicken and vegetables.', 'Toss with spice and roast 20 minutes.', 'Serve in warm tortillas.'], true),
 (19, 'mushroom-risotto', 'Mushroom barley risotto', 'Nutty pearl barley instead of rice.', 'dinner', ARRAY['vegetarian'], 4, 45, 410, 13,
  ARRAY['250 g pearl barley', '300 g mushrooms', '1 l stock', '50 g parmesan'], ARRAY['Fry mushrooms.', 'Add barley and stock, simmer 35 minutes.', 'Stir in parmesan.'], false),
 (20, 'cod-tacos', 'Crispy cod tacos', 'Light tacos with lime slaw.', 'dinner', ARRAY['dairy-free'], 2, 25, 470, 30,
  ARRAY['300 g cod', '6 corn tortillas', 'red cabbage', '2 limes'], ARRAY['Coat and pan-fry the cod.', 'Toss cabbage with lime.', 'Fill the tortillas.'], false),
 (21, 'energy-balls', 'Peanut butter energy balls', 'No-bake snack for before a run.', 'snack', ARRAY['vegetarian', 'gluten-free'], 12, 15, 110, 4,
  ARRAY['100 g oats', '60 g peanut butter', '2 tbsp honey', '30 g dark chocolate chips'], ARRAY['Mix everything.', 'Roll into 12 balls.', 'Chill 30 minutes.'], false),
 (22, 'hummus-crudites', 'Hummus and crudites', 'Homemade hummus with crunchy vegetables.', 'snack', ARRAY['vegan', 'gluten-free'], 4, 10, 180, 7,
  ARRAY['400 g chickpeas', '2 tbsp tahini', '1 lemon', 'carrots', 'cucumber'], ARRAY['Blend chickpeas, tahini and lemon.', 'Serve with cut vegetables.'], false),
 (23, 'greek-yogurt-bark', 'Frozen Greek yogurt bark', 'A cold, high-protein sweet snack.', 'snack', ARRAY['vegetarian', 'gluten-free', 'high-protein'], 6, 10, 120, 9,
  ARRAY['400 g Greek yogurt', '100 g berries', '1 tbsp honey'], ARRAY['Spread yogurt on a tray.', 'Scatter berries, drizzle honey.', 'Freeze 3 hours and snap.'], true),
 (24, 'roasted-chickpeas', 'Spiced roasted chickpeas', 'Crunchy chickpeas instead of crisps.', 'snack', ARRAY['vegan', 'gluten-free'], 4, 35, 140, 6,
  ARRAY['400 g chickpeas', '1 tbsp olive oil', '1 tsp smoked paprika'], ARRAY['Dry the chickpeas.', 'Toss with oil and paprika.', 'Roast 30 minutes at 200 C.'], false),
 (25, 'recovery-shake', 'Chocolate recovery shake', 'Protein and carbs after a hard session.', 'snack', ARRAY['vegetarian', 'gluten-free', 'high-protein'], 1, 5, 350, 32,
  ARRAY['30 g chocolate protein', '1 banana', '300 ml milk'], ARRAY['Blend until smooth.'], false),
 (26, 'avocado-toast', 'Avocado toast with chilli egg', 'Sourdough, smashed avocado and a soft egg.', 'breakfast', ARRAY['vegetarian'], 1, 10, 430, 17,
  ARRAY['1 slice sourdough', '1/2 avocado', '1 egg', 'chilli flakes'], ARRAY['Toast the bread.', 'Smash the avocado on top.', 'Add a soft-boiled egg and chilli.'], false),
 (27, 'keto-cauliflower-mac', 'Cauliflower mac and cheese', 'Comfort food with a fraction of the carbs.', 'dinner', ARRAY['vegetarian', 'low-carb', 'gluten-free', 'keto'], 4, 40, 360, 18,
  ARRAY['1 cauliflower', '150 g cheddar', '100 ml cream', 'mustard'], ARRAY['Steam the cauliflower.', 'Melt cheese into cream and mustard.', 'Combine and grill until golden.'], true),
 (28, 'pesto-pasta-salad', 'Pesto pasta salad', 'A packed lunch that travels well.', 'lunch', ARRAY['vegetarian'], 4, 20, 470, 15,
  ARRAY['250 g fusilli', '3 tbsp pesto', '150 g cherry tomatoes', 'mozzarella'], ARRAY['Cook and cool the pasta.', 'Toss with pesto, tomatoes and mozzarella.'], false)
) AS r(n, slug, title, summary, meal, diet, servings, minutes, kcal, protein, ingredients, steps, premium)
ON CONFLICT (slug) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, summary = EXCLUDED.summary,
    body = EXCLUDED.body, image_url = EXCLUDED.image_url, duration_s = EXCLUDED.duration_s,
    access = EXCLUDED.access, required_scope = EXCLUDED.required_scope, status = EXCLUDED.status,
    publish_at = NULL, published_at = EXCLUDED.published_at, updated_at = now(), deleted_at = NULL;

INSERT INTO content (slug, kind, title, summary, body, image_url, duration_s, access, required_scope,
                     status, published_at, updated_at, deleted_at)
SELECT x.slug, 'workout', x.title, x.summary,
       body_in_one_shape(jsonb_build_object('duration_s', x.minutes * 60, 'level', x.level,
                          'equipment', to_jsonb(x.equipment), 'body_focus', to_jsonb(x.focus), 'video_url',
                          'https://cdn.motus.example/video/' || x.slug || '/index.m3u8')),
       'https://cdn.motus.example/img/workouts/' || x.slug || '.jpg', x.minutes * 60,
       CASE WHEN x.premium THEN 'premium' ELSE 'free' END,
       CASE WHEN x.premium THEN 'premium:plus' END,
       'published', timestamptz '2026-01-02 07:30Z' + x.n * interval '1 hour', now(), NULL
FROM (VALUES
 (1, 'full-body-hiit-20', '20-minute full-body HIIT', 'Intervals that work everything, no kit needed.', 20, 'intermediate', ARRAY[]::text[], ARRAY['full-body'], false),
 (2, 'beginner-strength', 'Beginner strength foundations', 'Squat, hinge, push and pull basics.', 30, 'beginner', ARRAY['dumbbells'], ARRAY['full-body'], false),
 (3, 'core-crusher', 'Core crusher', 'Ten minutes of planks, hollows and dead bugs.', 10, 'intermediate', ARRAY['mat'], ARRAY['core'], false),
 (4, 'glute-builder', 'Glute builder', 'Band and dumbbell work for stronger glutes.', 35, 'intermediate', ARRAY['dumbbells', 'resistance-band'], ARRAY['lower-body'], true),
 (5, 'upper-body-pump', 'Upper body pump', 'Supersets for arms, chest and back.', 30, 'intermediate', ARRAY['dumbbells'], ARRAY['upper-body'], true),
 (6, 'morning-mobility', 'Morning mobility flow', 'Loosen hips, spine and shoulders.', 15, 'beginner', ARRAY['mat'], ARRAY['mobility'], false),
 (7, 'kettlebell-complex', 'Kettlebell complex', 'Swings, cleans and presses in one flow.', 25, 'advanced', ARRAY['kettlebell'], ARRAY['full-body'], true),
 (8, 'low-impact-cardio', 'Low-impact cardio', 'Heart-rate up without jumping.', 25, 'beginner', ARRAY[]::text[], ARRAY['cardio'], false),
 (9, 'tabata-legs', 'Tabata legs', 'Eight rounds of 20 on, 10 off.', 16, 'advanced', ARRAY[]::text[], ARRAY['lower-body'], false),
 (10, 'yoga-for-runners', 'Yoga for runners', 'Stretch out calves, hamstrings and hips.', 20, 'beginner', ARRAY['mat'], ARRAY['mobility', 'lower-body'], false),
 (11, 'boxing-conditioning', 'Boxing conditioning', 'Combos and footwork for fitness.', 30, 'intermediate', ARRAY[]::text[], ARRAY['cardio', 'upper-body'], true),
 (12, 'pilates-core', 'Pilates core and posture', 'Slow, controlled core strength.', 25, 'beginner', ARRAY['mat'], ARRAY['core'], false)
) AS x(n, slug, title, summary, minutes, level, equipment, focus, premium)
ON CONFLICT (slug) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, summary = EXCLUDED.summary,
    body = EXCLUDED.body, image_url = EXCLUDED.image_url, duration_s = EXCLUDED.duration_s,
    access = EXCLUDED.access, required_scope = EXCLUDED.required_scope, status = EXCLUDED.status,
    publish_at = NULL, published_at = EXCLUDED.published_at, updated_at = now(), deleted_at = NULL;

-- Couch to 5K: nine runs, three a week for the first three weeks; runs after
-- the first week are premium.
INSERT INTO content (slug, kind, title, summary, body, image_url, duration_s, access, required_scope,
                     status, published_at, updated_at, deleted_at)
SELECT 'c25k-week-' || w || '-run-' || d, 'run', format('Couch to 5K: week %s, run %s', w, d),
       format('%s x %s s running with %s s walking, warm-up and cool-down included.', 5 + w, 45 + w * 15, 90 - w * 15),
       jsonb_build_object('week', w, 'day', d, 'duration_s', 1800 + w * 60,
                          'audio_url', format('https://cdn.motus.example/audio/c25k-w%s-r%s.m4a', w, d),
                          'transcript', format(E'WEBVTT\n\n00:00:00.000 --> 00:00:06.000\nWelcome to week %s, run %s. Start with a brisk five-minute walk.\n\n00:05:00.000 --> 00:05:05.000\nNow start running, nice and easy, for %s seconds.\n\n00:%s:00.000 --> 00:%s:06.000\nGreat work. Walk for five minutes to cool down.\n',
                                               w, d, 45 + w * 15, 24 + w, 24 + w)),
       format('https://cdn.motus.example/img/runs/c25k-w%s.jpg', w), 1800 + w * 60,
       CASE WHEN w > 1 THEN 'premium' ELSE 'free' END, CASE WHEN w > 1 THEN 'premium:plus' END,
       'published', timestamptz '2026-01-03 05:00Z' + ((w - 1) * 3 + d) * interval '1 hour', now(), NULL
FROM generate_series(1, 3) AS w, generate_series(1, 3) AS d
ON CONFLICT (slug) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title, summary = EXCLUDED.summary,
    body = EXCLUDED.body, image_url = EXCLUDED.image_url, duration_s = EXCLUDED.duration_s,
    access = EXCLUDED.access, required_scope = EXCLUDED.required_scope, status = EXCLUDED.status,
    publish_at = NULL, published_at = EXCLUDED.published_at, updated_at = now(), deleted_at = NULL;

-- Tags: meals and diets of recipes, levels and body focus of workouts, the programme of runs.
INSERT INTO tag (slug, name)
SELECT t, initcap(replace(t, '-', ' ')) FROM (
    SELECT body->>'meal' AS t FROM content WHERE kind = 'recipe'
    UNION SELECT jsonb_array_elements_text(body->'diet') FROM content WHERE kind = 'recipe'
    UNION SELECT body->>'level' FROM content WHERE kind = 'workout'
    UNION SELECT jsonb_array_elements_text(body->'body_focus') FROM content WHERE kind = 'workout'
    UNION SELECT 'couch-to-5k'
) AS s
WHERE t IS NOT NULL -- an item of another's (a draft without a meal or a level) names none
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name;

INSERT INTO content_tag (content_id, tag_id)
SELECT c.id, t.id FROM content c
JOIN LATERAL (
    SELECT c.body->>'meal' AS s WHERE c.kind = 'recipe'
    UNION SELECT jsonb_array_elements_text(c.body->'diet') WHERE c.kind = 'recipe'
    UNION SELECT c.body->>'level' WHERE c.kind = 'workout'
    UNION SELECT jsonb_array_elements_text(c.body->'body_focus') WHERE c.kind = 'workout'
    UNION SELECT 'couch-to-5k' WHERE c.kind = 'run'
) AS want ON true
JOIN tag t ON t.slug = want.s
ON CONFLICT DO NOTHING;
