-- Demo client configuration. Idempotent: re-running restores these values.

INSERT INTO client_config (platform, min_version, latest_version, update_url) VALUES
    ('ios',     '1.8.0', '2.4.1', 'itms-apps://apps.apple.com/app/id6450000000'),
    ('android', '1.8.0', '2.4.0', 'market://details?id=app.motus'),
    ('web',     '1.0.0', '2.4.1', NULL)
ON CONFLICT (platform) DO UPDATE
    SET min_version = EXCLUDED.min_version, latest_version = EXCLUDED.latest_version,
        update_url = EXCLUDED.update_url, updated_at = now();

DELETE FROM client_feature;
INSERT INTO client_feature (platform, name, enabled, min_version) VALUES
    ('ios',     'buddy_run',        true,  '2.2.0'),
    ('ios',     'live_classes',     true,  '2.0.0'),
    ('ios',     'recipe_scaling',   true,  NULL),
    ('ios',     'offline_downloads', false, NULL),
    ('android', 'buddy_run',        true,  '2.3.0'),
    ('android', 'live_classes',     true,  '2.0.0'),
    ('android', 'recipe_scaling',   true,  NULL),
    ('android', 'offline_downloads', false, NULL),
    ('web',     'live_classes',     true,  NULL),
    ('web',     'recipe_scaling',   true,  NULL);
