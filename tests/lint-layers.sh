#!/usr/bin/env bash
# Layering rules of the C code the app ships (app/ and lib/), run by tests/lint.sh:
#
# 1. Transactions belong to lib/db.c (which speaks to libpq) and lib/op.c
#    (the transaction runner): no other .c file calls db_begin, db_commit or
#    db_rollback, or sends BEGIN, COMMIT, ROLLBACK, START TRANSACTION or
#    SAVEPOINT in a string. (tests/ are outside this rule: a test may hold a
#    transaction open through psql to make a lock.)
# 2. Handlers hold no SQL: no string literal (adjacent literals joined) under
#    app/api/ or app/cms/ is a SELECT, INSERT INTO, UPDATE ... SET, DELETE
#    FROM or WITH ... AS ( statement. SQL lives in app/model/.
#
# Keywords count in upper case only, as the code writes SQL, so English in
# messages and pages ("Select a file", "update your app") never trips it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Splits C source into "code LINE TEXT" (comments and literals removed) and
# "str LINE TEXT" (each run of adjacent string literals, joined) records.
c_tokens() {
    awk -v q="'" '
    function flush() { if (pending) { printf "str\t%d\t%s\n", sline, sbuf; pending = 0; sbuf = "" } }
    {
        code = ""
        gsub(/\t/, " ")
        for (i = 1; i <= length($0); i++) {
            c = substr($0, i, 1); n = substr($0, i + 1, 1)
            if (comment) { if (c == "*" && n == "/") { comment = 0; i++ } continue }
            if (instr) {
                if (c == "\\") { sbuf = sbuf c n; i++; continue }
                if (c == "\"") { instr = 0; continue }
                sbuf = sbuf c; continue
            }
            if (inchar) { if (c == "\\") i++; else if (c == q) inchar = 0; continue }
            if (c == "/" && n == "*") { comment = 1; i++; continue }
            if (c == "/" && n == "/") break
            if (c == "\"") { if (!pending) { pending = 1; sline = NR; sbuf = "" } instr = 1; continue }
            if (c == q) { flush(); inchar = 1; continue }
            if (c != " ") flush()
            code = code c
        }
        if (code != "") printf "code\t%d\t%s\n", NR, code
    }
    END { flush() }' "$1"
}

tx_code='(^|[^A-Za-z0-9_])db_(begin|commit|rollback)([^A-Za-z0-9_]|$)'
tx_sql='(^|[;[:space:]])(BEGIN|COMMIT|ROLLBACK|START[[:space:]]+TRANSACTION|SAVEPOINT)([;[:space:]]|$)'
sql_stmt='(^|[^A-Za-z0-9_])(SELECT([[:space:]]|$)|INSERT[[:space:]]+INTO[[:space:]]|UPDATE[[:space:]]+[a-z_]+[[:space:]]+SET[[:space:]]|DELETE[[:space:]]+FROM[[:space:]]|WITH[[:space:]]+[a-z_]+[[:space:]]+AS[[:space:]]*\()'

# "file:line: what" for every transaction outside db.c and op.c.
tx_offences() {
    local f
    for f in $(find app lib -name '*.c' | LC_ALL=C sort); do
        case $f in lib/db.c | lib/op.c) continue ;; esac
        c_tokens "$f" | awk -F'\t' -v f="$f" -v code="$tx_code" -v sql="$tx_sql" '
            ($1 == "code" && $3 ~ code) || ($1 == "str" && $3 ~ sql) { printf "%s:%d: %s\n", f, $2, $3 }'
    done
}

failed=0
offences=$(tx_offences)
for f in $(cut -d: -f1 <<<"$offences" | sed '/^$/d' | sort -u); do
    echo "lint-layers: $f begins or ends a transaction itself; use the transaction runner (lib/op.c):"
    grep "^$f:" <<<"$offences" | sed 's/^/    /'
    failed=1
done

for f in $(find app/api app/cms -name '*.c' | LC_ALL=C sort); do
    hits=$(c_tokens "$f" | awk -F'\t' -v f="$f" -v sql="$sql_stmt" '$1 == "str" && $3 ~ sql { printf "%s:%d: \"%s\"\n", f, $2, $3 }')
    if [ -n "$hits" ]; then
        echo "lint-layers: $f holds SQL; it belongs in app/model/:"
        sed 's/^/    /' <<<"$hits"
        failed=1
    fi
done

[ "$failed" = 0 ] || exit 1
echo "== lint: transactions only in lib/db.c and lib/op.c; no SQL in app/api/ or app/cms/"
