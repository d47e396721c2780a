/* motusctl: operations from the command line; the commands are the table of app/ctl/commands.c. */
#include "ctl.h"

int main(int argc, char **argv)
{
	return ctl_main(argc, argv);
}
