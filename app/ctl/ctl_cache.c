/* ctl/cache: motusctl cache bump. */
#include "ctl.h"
#include "operator.h"

#include <stdio.h>

CTL_COMMAND(ctl_cache_bump)
{
	struct op op;
	int rc;

	(void)argc;
	ctl_op(&op, c);
	rc = ctl_outcome(c, &op, operator_cache_bump(c->w, &op, argv[0]));
	if (rc == 0)
		printf("generation of %s bumped\n", argv[0]);
	return rc;
}
