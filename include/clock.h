/* clock: monotonic microseconds for durations, wall time for logs. */
#ifndef MOTUS_CLOCK_H
#define MOTUS_CLOCK_H

#include <stddef.h>
#include <stdint.h>

uint64_t clock_now_us(void);
/* Wall time as RFC 3339 UTC with milliseconds; out must hold 32 bytes. */
void clock_rfc3339(char *out, size_t n);

#endif
