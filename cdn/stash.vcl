# Varnish in front of the Stash web app: a CDN tier that is purged by tag.
#
# A template: {{BACKEND_HOST}} and {{BACKEND_PORT}} are filled in by whoever starts varnishd
# (packages/harness/src/varnish.ts writes the result into varnishd's work directory). The rules
# and why each one is there: docs/cdn.md.
vcl 4.1;

import xkey;

# The timeouts bound how long a fetch can still bring back an answer the app built before a
# write's invalidation: the app purges a second time after that (STASH_CDN_REPURGE_AFTER_S, 20 s
# by default, above 3.5 + 10 + 5 s), so an old answer such a fetch stored does not outlive it.
backend app {
    .host = "{{BACKEND_HOST}}";
    .port = "{{BACKEND_PORT}}";
    .connect_timeout = 3.5s;
    .first_byte_timeout = 10s;
    .between_bytes_timeout = 5s;
}

# Who may purge: the app's own addresses. The app runs beside Varnish on this machine; list the
# app servers' addresses here when it does not.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Set below for Cache-Status; a client must not choose it.
    unset req.http.x-stash-cdn-fwd;

    if (req.method == "PURGE") {
        # To anyone else PURGE does not exist: the same answer as any other unknown method.
        if (client.ip !~ purgers) {
            return (synth(405, "Method Not Allowed"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header (space-separated keys)"));
        }
        set req.http.x-stash-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-stash-purged));
    }
    # The methods the app answers; anything else (TRACE, CONNECT, BAN, ...) is refused here.
    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method Not Allowed"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        set req.http.x-stash-cdn-fwd = "method";
        return (pass);
    }
    # A signed-in request or a script with credentials is the user's own: never shared.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*stash_session=") {
        set req.http.x-stash-cdn-fwd = "bypass";
        return (pass);
    }
    # Other cookies (analytics, preferences) must not bypass the cache, and a shared fetch must
    # not carry one visitor's cookies to the app: whatever it answered would be served to all.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Only what the app marks shareable with an explicit lifetime is stored: a response without
    # `s-maxage`/`max-age` would otherwise live for Varnish's default_ttl (120 s), which no
    # answer promises. Kept as hit-for-miss, so the next request still asks the app.
    if (beresp.http.Cache-Control !~ "(^|[ ,])(s-maxage|max-age)=") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Varnish serves an expired object for default_grace (10 s) unless told otherwise; the app
    # says how long a stale answer may be served (stale-while-revalidate), and nothing else may.
    if (beresp.http.Cache-Control !~ "stale-while-revalidate=") {
        set beresp.grace = 0s;
    }
    # Falls through to the built-in rules: private, no-store, no-cache, Set-Cookie and a zero
    # TTL are never stored.
}

# A fetch that failed without an answer (the instance it reached was killed, or its connection
# was cut) is tried once more: with several app instances behind one address, the second try
# reaches a live one. Only GET and HEAD are retried (a passed POST is not), so a retry never
# repeats a write.
sub vcl_backend_error {
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

# Short plain-text answers for PURGE and refusals (the built-in page is an HTML "Guru Meditation").
sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason + {"
"};
    return (deliver);
}

sub vcl_deliver {
    # RFC 9211: each cache appends its entry, the one nearest the user last.
    if (obj.hits > 0) {
        set req.http.x-stash-cdn-status = "varnish; hit";
    } elsif (req.http.x-stash-cdn-fwd) {
        set req.http.x-stash-cdn-status = "varnish; fwd=" + req.http.x-stash-cdn-fwd;
    } elsif (obj.uncacheable) {
        set req.http.x-stash-cdn-status = "varnish; fwd=miss";
    } else {
        set req.http.x-stash-cdn-status = "varnish; fwd=miss; stored";
    }
    if (resp.http.Cache-Status) {
        set resp.http.Cache-Status = resp.http.Cache-Status + ", " + req.http.x-stash-cdn-status;
    } else {
        set resp.http.Cache-Status = req.http.x-stash-cdn-status;
    }
    # The keys are for purging, not for clients (Fastly and Cloudflare strip theirs too).
    unset resp.http.xkey;
}
