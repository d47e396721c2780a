/* version: what this build is: the release (the VERSION file), the commit it was built from, when. */
#ifndef MOTUS_VERSION_H
#define MOTUS_VERSION_H

#include <stdio.h>

extern const char version_release[]; /* "0.1.0" */
extern const char version_commit[];  /* "53d306c", "53d306c-dirty", or "unknown" outside a git checkout */
extern const char version_built[];   /* the build's date, "2026-12-02" */

/* "PROG (Motus) 0.1.0, commit 53d306c, built 2026-12-02" and a newline to out. */
void version_print(FILE *out, const char *prog);

#endif
