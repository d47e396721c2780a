/* version: the build's identity, passed in by the Makefile (see its version stamp). */
#include "version.h"

#ifndef MOTUS_RELEASE
#define MOTUS_RELEASE "unknown"
#endif
#ifndef MOTUS_COMMIT
#define MOTUS_COMMIT "unknown"
#endif
#ifndef MOTUS_BUILT
#define MOTUS_BUILT "unknown"
#endif

const char version_release[] = MOTUS_RELEASE;
const char version_commit[] = MOTUS_COMMIT;
const char version_built[] = MOTUS_BUILT;

void version_print(FILE *out, const char *prog)
{
	fprintf(out, "%s (Motus) %s, commit %s, built %s\n", prog, version_release, version_commit, version_built);
}
