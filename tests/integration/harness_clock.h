/*
 * harness_clock: the test stack's clock. The stack (MOTUS_TEST_CLOCK=1 in
 * stack.env) runs Postgres's now() and the app's clock_unix() ahead by the
 * same whole seconds; a test moves both forward instead of sleeping, and reads
 * the stack's time with clock_unix() (lib/clock), which the harness points at
 * the stack's clock before the first test.
 *
 * Moving the clock ends every suite's rate-limit windows, leases and token
 * lifetimes early, so only an exclusive test case (harness_case) may do it.
 * The clock never goes back: rows written before stay in the past.
 */
#ifndef MOTUS_TEST_HARNESS_CLOCK_H
#define MOTUS_TEST_HARNESS_CLOCK_H

/* Points clock_unix() at the stack's test clock (the setting test_clock_file of its motus.conf), if it has one. */
void harness_clock_use_stack(const char *var_dir);

/*
 * Moves the stack's clock `seconds` ahead, in Postgres and in the file the
 * app reads, and tells every queue worker to look for due jobs at once (the
 * NOTIFY an enqueue sends). Aborts the test in a shared test case or on a
 * stack without a test clock.
 */
void harness_clock_advance(int seconds);

#endif
