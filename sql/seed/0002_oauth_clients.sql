-- The apps that may log users in: public clients using PKCE. Native apps use
-- private-use URI schemes (RFC 8252 §7.1); the command-line client uses a
-- loopback redirect, any port (RFC 8252 §7.3). Idempotent.
INSERT INTO oauth_client (client_id, name, redirect_uris) VALUES
    ('motus-ios',     'Motus for iOS',     ARRAY['app.motus.ios:/oauth/callback']),
    ('motus-android', 'Motus for Android', ARRAY['app.motus.android:/oauth/callback']),
    ('motus-web',     'Motus on the web',  ARRAY['https://app.motus.example/oauth/callback',
                                                 'http://localhost:3000/oauth/callback']),
    ('motus-cli',     'Motus developer tools', ARRAY['http://127.0.0.1/oauth/callback'])
ON CONFLICT (client_id) DO UPDATE SET name = EXCLUDED.name, redirect_uris = EXCLUDED.redirect_uris;
