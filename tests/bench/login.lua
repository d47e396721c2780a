-- wrk script for the log-in form: the same valid form and CSRF cookie each
-- time, so every request is one argon2id verification and one code (303).
wrk.method = "POST"
wrk.body = os.getenv("MOTUS_BENCH_FORM")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("MOTUS_BENCH_COOKIE")
