/*
 * migrate: applies a directory of NNNN_name.sql files in order, each in its
 * own transaction, recording them in schema_migrations. A session advisory
 * lock lets several hosts run it at once: one applies, the others wait and
 * then find nothing left to do.
 */
#ifndef MOTUS_MIGRATE_H
#define MOTUS_MIGRATE_H

#include "err.h"

struct db;

/* Applies pending migrations; prints one line per file applied to stdout. Returns how many, or -1. */
int migrate_run(struct db *db, const char *dir, struct err *e) MOTUS_MUSTCHECK;

/* Runs every .sql file of dir in order, each in a transaction, every time (files must be idempotent). */
int migrate_seed(struct db *db, const char *dir, struct err *e) MOTUS_MUSTCHECK;

#endif
