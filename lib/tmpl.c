/* tmpl: the Mustache engine: a one-pass parser into a tree, and the tree's renderer. */
#include "tmpl.h"
#include "arena.h"
#include "buf.h"
#include "json.h"
#include "tmpl_set.h"
#include "xmalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 100 /* sections, parents and blocks inside each other, at compile time */
#define MAX_DELIM   16

enum kind { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
	enum kind kind;
	struct node *next;
	const char *text; /* N_TEXT: the bytes text[0..len); otherwise the tag's name */
	size_t len;
	const char **path; /* N_VAR, N_SECTION, N_INVERTED: the name split at dots; npath 0 is "." */
	size_t npath;
	bool raw;           /* N_VAR: {{{name}}} or {{&name}} */
	const char *indent; /* N_PARTIAL, N_PARENT, N_BLOCK: prepended to each line when standalone, else NULL */
	size_t ilen;
	const char *eol; /* N_BLOCK: the line ending after a standalone element, kept unless the content ended a line */
	size_t elen;
	struct node *kids; /* N_SECTION, N_INVERTED, N_BLOCK: the content; N_PARENT: its argument blocks */
};

struct tmpl {
	struct arena *arena;
	const char *name;
	struct node *root;
};

/* ---- compiling ---------------------------------------------------------- */

struct parser {
	struct arena *a;
	const char *name;
	const char *s;
	size_t len, pos;
	int line;                  /* 1-based line of pos */
	size_t line_raw, line_eff; /* start of the current line, before and after the dedent */
	const char *dedent;        /* intrinsic indentation of the enclosing blocks, dropped from line starts */
	size_t dlen;
	char open[MAX_DELIM + 1], close[MAX_DELIM + 1];
	size_t olen, clen;
	char *text; /* text read since the last node */
	size_t tlen, tcap;
	int depth;
	struct err *e;
};

struct tag {
	char type; /* # ^ / ! = > < $ { & or 0 for a plain variable */
	const char *name;
	size_t nlen;
	int line;
	size_t start, end;         /* the tag in the source */
	size_t lead;               /* indentation before the tag on its line (when ws_before) */
	bool ws_before, ws_after;  /* only white space before it on its line, after it to the line end */
	bool standalone;           /* a non-interpolation tag alone on its line: the line is dropped */
	size_t eol_start, eol_end; /* the line ending after the tag (when ws_after; empty at the end) */
};

/* An element whose content is being parsed, and its end tag once read. */
struct open {
	char type;
	const char *name;
	size_t nlen;
	int line;
	const char *dedent; /* restored at the end tag */
	size_t dlen;
	struct tag end;
};

static int syntax(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int syntax(struct parser *p, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set_field(p->e, TMPL_ERR_SYNTAX, p->name, "%s:%d: %s", p->name, line, msg);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void text_add(struct parser *p, const char *s, size_t n)
{
	if (!n)
		return;
	if (p->tlen + n > p->tcap) {
		p->tcap = p->tcap * 2 > p->tlen + n ? p->tcap * 2 : p->tlen + n + 256;
		p->text = xrealloc(p->text, p->tcap);
	}
	memcpy(p->text + p->tlen, s, n);
	p->tlen += n;
}

static struct node *node_add(struct parser *p, struct node ***tail, enum kind kind)
{
	struct node *n = arena_zalloc(p->a, sizeof(*n));

	n->kind = kind;
	**tail = n;
	*tail = &n->next;
	return n;
}

/* Turns the pending text into a node; returns it, or NULL when there was none. */
static struct node *flush(struct parser *p, struct node ***tail)
{
	struct node *n;
	char *t;

	if (!p->tlen)
		return NULL;
	n = node_add(p, tail, N_TEXT);
	t = arena_alloc(p->a, p->tlen);
	memcpy(t, p->text, p->tlen);
	n->text = t;
	n->len = p->tlen;
	p->tlen = 0;
	return n;
}

/* At the first byte of a line: drops as much of the dedent as the line starts with. */
static void line_begin(struct parser *p)
{
	size_t i = 0;

	p->line_raw = p->pos;
	while (i < p->dlen && p->pos < p->len && p->s[p->pos] == p->dedent[i]) {
		p->pos++;
		i++;
	}
	p->line_eff = p->pos;
}

/* Moves past the white space and line ending after a tag. */
static void skip_line_end(struct parser *p, const struct tag *t)
{
	p->pos = t->eol_end;
	if (t->eol_end > t->eol_start) {
		p->line++;
		line_begin(p);
	}
}

/* Collects text up to the next tag; false at the end of the template. */
static bool scan_text(struct parser *p)
{
	while (p->pos < p->len) {
		const char *s = p->s + p->pos;
		size_t n = p->len - p->pos, k = 0;

		while (k < n && s[k] != '\n' &&
		       !(s[k] == p->open[0] && n - k >= p->olen && memcmp(s + k, p->open, p->olen) == 0))
			k++;
		if (k < n && s[k] == '\n') {
			text_add(p, s, k + 1);
			p->pos += k + 1;
			p->line++;
			line_begin(p);
			continue;
		}
		text_add(p, s, k);
		p->pos += k;
		if (k < n)
			return true;
	}
	return false;
}

/* Reads the tag at pos and classifies its line; leaves pos after the tag. */
static int read_tag(struct parser *p, struct tag *t)
{
	const char *s = p->s, *hit;
	char term[MAX_DELIM + 2];
	size_t i = p->pos + p->olen, tn = 0, b, e, q;

	memset(t, 0, sizeof(*t));
	t->start = p->pos;
	t->line = p->line;
	while (i < p->len && is_space(s[i]))
		i++;
	if (i < p->len && s[i] && strchr("#^/!=><${&", s[i]))
		t->type = s[i++];
	if (t->type == '{' || t->type == '=')
		term[tn++] = t->type == '{' ? '}' : '=';
	memcpy(term + tn, p->close, p->clen);
	tn += p->clen;
	hit = memmem(s + i, p->len - i, term, tn);
	if (!hit)
		return syntax(p, t->line, "unclosed tag: '%s' without '%.*s'", p->open, (int)tn, term);
	for (size_t k = t->start; k < (size_t)(hit - s); k++)
		p->line += s[k] == '\n';
	t->end = (size_t)(hit - s) + tn;
	for (b = i, e = (size_t)(hit - s); b < e && is_space(s[b]); b++)
		;
	while (e > b && is_space(s[e - 1]))
		e--;
	t->name = s + b;
	t->nlen = e - b;
	if (t->type != '!' && t->type != '=') {
		if (!t->nlen)
			return syntax(p, t->line, "empty tag");
		for (size_t k = 0; k < t->nlen; k++)
			if (is_space(t->name[k]) || !t->name[k])
				return syntax(p, t->line, "bad tag name '%.*s'", (int)t->nlen, t->name);
	}
	t->ws_before = true;
	for (size_t k = p->line_raw; k < t->start && t->ws_before; k++)
		t->ws_before = is_ws(s[k]);
	t->lead = t->start - p->line_eff;
	for (q = t->end; q < p->len && is_ws(s[q]); q++)
		;
	t->eol_start = t->eol_end = q;
	if (q < p->len && s[q] == '\n')
		t->eol_end = q + 1;
	else if (q + 1 < p->len && s[q] == '\r' && s[q + 1] == '\n')
		t->eol_end = q + 2;
	t->ws_after = q == p->len || t->eol_end > q;
	t->standalone = t->type && strchr("#^/!=<>$", t->type) && t->ws_before && t->ws_after;
	p->pos = t->end;
	return 0;
}

static int set_delimiters(struct parser *p, const struct tag *t)
{
	const char *s = t->name, *end = t->name + t->nlen, *a, *b;
	size_t alen, blen;

	for (a = s; s < end && !is_space(*s); s++)
		;
	alen = (size_t)(s - a);
	while (s < end && is_space(*s))
		s++;
	for (b = s; s < end && !is_space(*s); s++)
		;
	blen = (size_t)(s - b);
	if (!alen || !blen || s != end || alen > MAX_DELIM || blen > MAX_DELIM || memchr(a, '=', alen) ||
	    memchr(b, '=', blen))
		return syntax(p, t->line, "bad delimiter change '%.*s'", (int)t->nlen, t->name);
	memcpy(p->open, a, alen);
	p->open[alen] = '\0';
	p->olen = alen;
	memcpy(p->close, b, blen);
	p->close[blen] = '\0';
	p->clen = blen;
	return 0;
}

/* Names the node after the tag and splits a variable or section name at its dots. */
static int set_name(struct parser *p, struct node *n, const struct tag *t, bool split)
{
	size_t segs = 1, k = 0;
	char *name = arena_strndup(p->a, t->name, t->nlen);

	n->text = name;
	n->len = t->nlen;
	if (!split || strcmp(name, ".") == 0)
		return 0;
	for (const char *c = name; *c; c++)
		segs += *c == '.';
	n->path = arena_alloc(p->a, segs * sizeof(*n->path));
	n->npath = segs;
	for (char *c = arena_strdup(p->a, name), *seg; (seg = strsep(&c, "."));) {
		if (!*seg)
			return syntax(p, t->line, "bad name '%s'", name);
		n->path[k++] = seg;
	}
	return 0;
}

static void set_indent(struct parser *p, struct node *n, const struct tag *t)
{
	n->indent = arena_strndup(p->a, p->s + t->start - t->lead, t->lead);
	n->ilen = t->lead;
}

static void open_init(struct open *o, const struct parser *p, const struct tag *t)
{
	memset(o, 0, sizeof(*o));
	o->type = t->type;
	o->name = t->name;
	o->nlen = t->nlen;
	o->line = t->line;
	o->dedent = p->dedent;
	o->dlen = p->dlen;
}

static int parse_list(struct parser *p, struct open *op, struct node **out);

/*
 * {{<name}}: only the blocks inside matter. Standalone when its start tag
 * begins a line and its end tag ends one: then it is indented like a
 * standalone partial and its end tag's line ending is dropped.
 */
static int parse_parent(struct parser *p, const struct tag *t, struct node ***tail, struct node *lead_node)
{
	struct node *n = node_add(p, tail, N_PARENT);
	struct open o;

	set_name(p, n, t, false);
	if (t->standalone) {
		set_indent(p, n, t);
		skip_line_end(p, t);
	}
	open_init(&o, p, t);
	if (parse_list(p, &o, &n->kids) < 0)
		return -1;
	if (t->ws_before && o.end.ws_after) {
		if (!t->standalone) {
			set_indent(p, n, t);
			if (t->lead)
				lead_node->len -= t->lead;
		}
		if (!o.end.standalone)
			skip_line_end(p, &o.end);
	}
	return 0;
}

/*
 * {{$name}}: an argument when directly inside a parent, else a parameter.
 * When its start tag ends a line (a parameter's must be standalone), the
 * content starts on the next line and that line's indentation is the block's
 * intrinsic indentation: dropped from every line of the content here, and
 * for a parameter, put back in front of every line of whatever fills it. A
 * parameter whose start tag begins a line and whose end tag ends one is
 * standalone too: the start tag's indentation is put in front of the lines.
 */
static int parse_block(struct parser *p, const struct tag *t, struct node ***tail, struct node *lead_node,
		       bool argument)
{
	struct node *n = node_add(p, tail, N_BLOCK);
	bool intrinsic = argument ? t->ws_after : t->standalone;
	struct open o;

	set_name(p, n, t, false);
	if (intrinsic)
		skip_line_end(p, t);
	open_init(&o, p, t);
	if (intrinsic) {
		size_t k = 0;
		char *d;

		while (t->eol_end > t->eol_start && p->pos + k < p->len && is_ws(p->s[p->pos + k]))
			k++;
		d = arena_alloc(p->a, p->dlen + k + 1);
		memcpy(d, p->dedent, p->dlen);
		memcpy(d + p->dlen, p->s + p->pos, k);
		d[p->dlen + k] = '\0';
		if (!argument) {
			n->indent = d + p->dlen;
			n->ilen = k;
		}
		p->dedent = d;
		p->dlen += k;
		p->pos += k;
		p->line_eff = p->pos;
	}
	if (parse_list(p, &o, &n->kids) < 0)
		return -1;
	if (!argument && t->ws_before && o.end.ws_after) {
		if (!t->standalone) {
			set_indent(p, n, t);
			if (t->lead)
				lead_node->len -= t->lead;
		}
		if (!o.end.standalone) {
			n->elen = o.end.eol_end - o.end.eol_start;
			n->eol = n->elen ? arena_strndup(p->a, p->s + o.end.eol_start, n->elen) : NULL;
			skip_line_end(p, &o.end);
		}
	}
	return 0;
}

/* Parses nodes up to op's end tag (op NULL: to the end of the template). */
static int parse_list(struct parser *p, struct open *op, struct node **out)
{
	struct node *head = NULL, **tail = &head, *lead_node, *n;
	struct open o;
	struct tag t;

	*out = NULL;
	if (++p->depth > MAX_NESTING)
		return syntax(p, p->line, "sections nested deeper than %d levels", MAX_NESTING);
	for (;;) {
		if (!scan_text(p)) {
			flush(p, &tail);
			*out = head;
			if (op)
				return syntax(p, op->line, "unclosed section '%c%.*s'", op->type, (int)op->nlen,
					      op->name);
			p->depth--;
			return 0;
		}
		if (read_tag(p, &t) < 0)
			return -1;
		if (t.standalone)
			p->tlen -= t.lead;
		lead_node = flush(p, &tail);
		switch (t.type) {
		case '!':
			break;
		case '=':
			if (set_delimiters(p, &t) < 0)
				return -1;
			break;
		case '/':
			if (!op)
				return syntax(p, t.line, "close tag '/%.*s' without an open section", (int)t.nlen,
					      t.name);
			if (t.nlen != op->nlen || memcmp(t.name, op->name, t.nlen) != 0)
				return syntax(p, t.line, "close tag '/%.*s' does not match '%c%.*s' from line %d",
					      (int)t.nlen, t.name, op->type, (int)op->nlen, op->name, op->line);
			op->end = t;
			p->dedent = op->dedent;
			p->dlen = op->dlen;
			if (t.standalone)
				skip_line_end(p, &t);
			*out = head;
			p->depth--;
			return 0;
		case '#':
		case '^':
			n = node_add(p, &tail, t.type == '#' ? N_SECTION : N_INVERTED);
			if (set_name(p, n, &t, true) < 0)
				return -1;
			if (t.standalone)
				skip_line_end(p, &t);
			open_init(&o, p, &t);
			if (parse_list(p, &o, &n->kids) < 0)
				return -1;
			continue;
		case '>':
			n = node_add(p, &tail, N_PARTIAL);
			set_name(p, n, &t, false);
			if (t.standalone)
				set_indent(p, n, &t);
			break;
		case '<':
			if (parse_parent(p, &t, &tail, lead_node) < 0)
				return -1;
			continue;
		case '$':
			if (parse_block(p, &t, &tail, lead_node, op && op->type == '<') < 0)
				return -1;
			continue;
		default:
			n = node_add(p, &tail, N_VAR);
			n->raw = t.type != 0;
			if (set_name(p, n, &t, true) < 0)
				return -1;
		}
		if (t.standalone)
			skip_line_end(p, &t);
	}
}

struct tmpl *tmpl_compile(const char *name, const char *text, size_t len, struct err *e)
{
	struct arena *a = arena_new(len + 4096);
	struct tmpl *t = arena_zalloc(a, sizeof(*t));
	struct parser p = {.a = a, .s = text, .len = len, .line = 1, .dedent = "", .e = e};
	int rc;

	t->arena = a;
	t->name = p.name = arena_strdup(a, name);
	memcpy(p.open, "{{", 3);
	memcpy(p.close, "}}", 3);
	p.olen = p.clen = 2;
	line_begin(&p);
	rc = parse_list(&p, NULL, &t->root);
	free(p.text);
	if (rc < 0) {
		arena_free(a);
		return NULL;
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (t)
		arena_free(t->arena);
}

const char *tmpl_name(const struct tmpl *t)
{
	return t->name;
}

/* ---- rendering ---------------------------------------------------------- */

struct ctx { /* the context stack, innermost first */
	const struct json *v;
	const struct ctx *up;
};

struct scope { /* the argument blocks of the parents being rendered, innermost first */
	const struct node *args;
	const struct scope *up;
};

struct indent { /* indentation of standalone partials, parents and blocks, innermost first */
	const char *s;
	size_t len;
	const struct indent *up;
};

struct render {
	const struct tmpl_set *set;
	const struct tmpl *top;
	struct buf *out;
	struct err *e;
	int depth;
	bool bol; /* the next template text starts a line: indent it */
};

static void put_indent(struct render *r, const struct indent *in)
{
	if (!in)
		return;
	put_indent(r, in->up);
	buf_append(r->out, in->s, in->len);
}

static void put_text(struct render *r, const struct indent *in, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;

		if (r->bol)
			put_indent(r, in);
		buf_append(r->out, s, k);
		r->bol = nl != NULL;
		s += k;
		n -= k;
	}
}

static void put_escaped(struct buf *b, const char *s, size_t n)
{
	size_t done = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_append(b, s + done, i - done);
		buf_puts(b, rep);
		done = i + 1;
	}
	buf_append(b, s + done, n - done);
}

/* The shortest %g form that reads back as the same double. */
static void put_double(struct buf *b, double d)
{
	char s[32];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	buf_puts(b, s);
}

static void put_value(struct buf *b, const struct json *v, bool raw)
{
	const char *s;

	switch (json_kind_of(v)) {
	case JSON_STRING:
		s = json_string(v);
		if (raw)
			buf_puts(b, s);
		else
			put_escaped(b, s, strlen(s));
		break;
	case JSON_INT:
		buf_printf(b, "%" PRId64, json_int(v));
		break;
	case JSON_DOUBLE:
		put_double(b, json_double(v));
		break;
	case JSON_BOOL:
		buf_puts(b, json_boolean(v) ? "true" : "false");
		break;
	case JSON_NULL:
	case JSON_OBJECT:
	case JSON_ARRAY:
		break;
	}
}

/*
 * The spec's name resolution: "." is the top of the stack; otherwise the
 * first part is looked up from the top down (a member holding null stops the
 * walk) and the other parts only inside what it found. NULL when missing.
 */
static const struct json *lookup(const struct ctx *c, const struct node *n)
{
	struct json *v = NULL;

	if (!n->npath)
		return c->v;
	while (c && !json_lookup(c->v, n->path[0], &v))
		c = c->up;
	if (!c)
		return NULL;
	for (size_t i = 1; i < n->npath; i++)
		if (!json_lookup(v, n->path[i], &v))
			return NULL;
	return v;
}

static bool truthy(const struct json *v)
{
	switch (json_kind_of(v)) {
	case JSON_NULL:
		return false;
	case JSON_BOOL:
		return json_boolean(v);
	case JSON_STRING:
		return json_string(v)[0] != '\0';
	case JSON_ARRAY:
		return json_array_len(v) > 0;
	default:
		return true;
	}
}

/* The outermost parent's argument for the block called name wins. */
static const struct node *find_argument(const struct scope *o, const char *name)
{
	const struct node *found = NULL;

	for (; o; o = o->up)
		for (const struct node *k = o->args; k; k = k->next)
			if (k->kind == N_BLOCK && strcmp(k->text, name) == 0) {
				found = k;
				break;
			}
	return found;
}

static int enter(struct render *r, const struct node *n)
{
	if (r->depth >= TMPL_MAX_DEPTH)
		return err_set(r->e, TMPL_ERR_DEPTH, "%s: '%s' nested deeper than %d levels (endless recursion?)",
			       r->top->name, n->text, TMPL_MAX_DEPTH);
	r->depth++;
	return 0;
}

static int render_list(struct render *r, const struct node *n, const struct ctx *c, const struct scope *o,
		       const struct indent *in);

static int render_section(struct render *r, const struct node *n, const struct ctx *c, const struct scope *o,
			  const struct indent *in)
{
	const struct json *v = lookup(c, n);
	struct ctx item = {v, c};

	if (!truthy(v))
		return 0;
	if (json_kind_of(v) != JSON_ARRAY)
		return render_list(r, n->kids, &item, o, in);
	for (size_t i = 0, len = json_array_len(v); i < len; i++) {
		item.v = json_array_at(v, i);
		if (render_list(r, n->kids, &item, o, in) < 0)
			return -1;
	}
	return 0;
}

/* {{>name}} and {{<name}} (whose arguments are in o): another template of the set, in place. */
static int render_partial(struct render *r, const struct node *n, const struct ctx *c, const struct scope *o,
			  const struct indent *in)
{
	const struct tmpl *t = tmpl_set_get(r->set, n->text);
	struct indent own = {n->indent, n->ilen, in};
	int rc;

	if (!t)
		return 0;
	if (enter(r, n) < 0)
		return -1;
	if (n->indent) {
		r->bol = true;
	} else if (r->bol) {
		put_indent(r, in);
		r->bol = false;
	}
	rc = render_list(r, t->root, c, o, n->indent ? &own : NULL);
	r->depth--;
	return rc;
}

/* {{$name}}: the argument a parent passed for it, else its own content. */
static int render_block(struct render *r, const struct node *n, const struct ctx *c, const struct scope *o,
			const struct indent *in)
{
	const struct node *arg = find_argument(o, n->text);
	struct indent own = {n->indent, n->ilen, in};
	int rc;

	if (enter(r, n) < 0)
		return -1;
	if (n->indent)
		r->bol = true;
	rc = render_list(r, arg ? arg->kids : n->kids, c, o, n->indent ? &own : in);
	r->depth--;
	if (rc == 0 && n->eol && !r->bol)
		put_text(r, in, n->eol, n->elen);
	return rc;
}

static int render_list(struct render *r, const struct node *n, const struct ctx *c, const struct scope *o,
		       const struct indent *in)
{
	for (; n; n = n->next) {
		struct scope args = {n->kids, o};
		int rc = 0;

		switch (n->kind) {
		case N_TEXT:
			put_text(r, in, n->text, n->len);
			break;
		case N_VAR:
			if (r->bol)
				put_indent(r, in);
			r->bol = false;
			put_value(r->out, lookup(c, n), n->raw);
			break;
		case N_SECTION:
			rc = render_section(r, n, c, o, in);
			break;
		case N_INVERTED:
			if (!truthy(lookup(c, n)))
				rc = render_list(r, n->kids, c, o, in);
			break;
		case N_PARTIAL:
			rc = render_partial(r, n, c, o, in);
			break;
		case N_PARENT:
			rc = render_partial(r, n, c, &args, in);
			break;
		case N_BLOCK:
			rc = render_block(r, n, c, o, in);
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const struct tmpl *t, const struct json *data, struct buf *out,
		struct err *e)
{
	struct render r = {.set = set, .top = t, .out = out, .e = e, .bol = true};
	struct ctx c = {data, NULL};

	return render_list(&r, t->root, &c, NULL, NULL);
}
