/*
 * tmpl: Mustache templates, compiled once at start-up and rendered many times.
 *
 * A template is parsed once into a tree (process-lifetime memory owned by the
 * template); rendering walks the tree against a JSON context and appends to a
 * request's buf, with no parsing and no allocation of its own.
 *
 * The language is Mustache as specified by mustache/spec: interpolation
 * ({{name}}, dotted names, the implicit iterator {{.}}), sections and inverted
 * sections, comments, set delimiters, partials ({{>name}}, with standalone
 * indentation) and the optional inheritance module: blocks {{$name}} and
 * parents {{<name}}, for page layouts. Lambdas are not supported (the data is
 * JSON). Standalone lines are stripped as the spec says.
 *
 * Escaping: {{name}} escapes & < > " ' (as &amp; &lt; &gt; &quot; &#39;), which
 * is safe in HTML text and in quoted attribute values. {{{name}}} and {{&name}}
 * write the value raw: grep for them in review.
 *
 * Values: strings as they are, integers in decimal, other numbers in the
 * shortest form that reads back the same (1.21, not 1.2099999999999999),
 * booleans as true/false; null, missing values, objects and arrays as nothing.
 * Falsy for a section: missing, null, false, "" and []. Everything else
 * (including 0) is truthy; an array renders the section once per element.
 */
#ifndef MOTUS_TMPL_H
#define MOTUS_TMPL_H

#include <stddef.h>

#include "err.h"

struct buf;
struct json;
struct tmpl;
struct tmpl_set;

/* err.code after a failure. */
enum tmpl_error {
	TMPL_ERR_SYNTAX = 1, /* compile: msg is "name:line: what is wrong" */
	TMPL_ERR_DEPTH,      /* render: partials, parents or blocks nested past TMPL_MAX_DEPTH */
	TMPL_ERR_IO,         /* tmpl_set_load_dir: a file or directory could not be read */
	TMPL_ERR_DUPLICATE,  /* tmpl_set: two templates with one name */
	TMPL_ERR_NOT_FOUND   /* tmpl_set_render: no template of that name */
};

/* Deepest nesting of partial, parent and block expansions in one render. */
#define TMPL_MAX_DEPTH 64

/*
 * Compiles text[0..len) (need not be NUL-terminated; it is copied) into a
 * template called `name` (used in error messages and by tmpl_set). Fails with
 * TMPL_ERR_SYNTAX and the line number for an unclosed tag or section, a close
 * tag that matches no open one, a bad delimiter change, an empty or malformed
 * name, or sections nested deeper than 100. The template lives until
 * tmpl_free; it is read-only after compiling and may be rendered any number
 * of times. NULL on failure.
 */
struct tmpl *tmpl_compile(const char *name, const char *text, size_t len, struct err *e);
void tmpl_free(struct tmpl *t);

/* The name given to tmpl_compile; lives as long as the template. */
const char *tmpl_name(const struct tmpl *t);

/*
 * Renders t against data (any JSON value; NULL is an empty context) and
 * appends the result to out. Partials and parents are looked up by name in
 * set at render time (set may be NULL); a missing one renders as nothing, as
 * the spec says. Fails only with TMPL_ERR_DEPTH (a recursive partial that
 * never ends), after which out holds a partial result the caller must drop.
 */
int tmpl_render(const struct tmpl_set *set, const struct tmpl *t, const struct json *data, struct buf *out,
		struct err *e) MOTUS_MUSTCHECK;

#endif
