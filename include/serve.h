/*
 * serve: the request pipeline of motus-fcgi. Parse, route, enforce the
 * route's flags, run the handler, write the response once, then one access
 * log line and the metrics. Called by the fcgi loop for every request.
 */
#ifndef MOTUS_SERVE_H
#define MOTUS_SERVE_H

struct fcgi_exchange;

/* app is the struct worker. */
void serve_request(void *app, struct fcgi_exchange *x);

/*
 * After the response is finished (the web server has it): releases the
 * request's memory at once, so an idle worker holds no request, not even a
 * large upload, and says how much it keeps (metrics_set_held).
 */
void serve_finished(void *app);

#endif
