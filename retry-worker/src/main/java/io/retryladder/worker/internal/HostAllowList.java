package io.retryladder.worker.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The hosts the HTTP handler may call, so that whoever can write to a tier topic cannot use the
 * worker as a proxy into the internal network. Entries are host names or {@code *.domain} patterns;
 * an empty list allows every host. Only http and https are ever allowed.
 */
public final class HostAllowList {

    private final List<String> patterns;

    public HostAllowList(List<String> patterns) {
        this.patterns = patterns.stream()
                .map(pattern -> pattern.strip().toLowerCase(Locale.ROOT))
                .toList();
    }

    public boolean allowsAll() {
        return patterns.isEmpty();
    }

    /** Returns why the URI may not be called, or null when it may. */
    public String rejectionReason(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "scheme '" + scheme + "' is not allowed; the HTTP handler calls http and https URLs only";
        }
        String host = uri.getHost();
        if (host == null) {
            return "the URL has no host";
        }
        if (!allows(host)) {
            return "host " + host + " is not in retry.http.allowed.hosts; add it there if the worker should call it";
        }
        return null;
    }

    boolean allows(String host) {
        if (patterns.isEmpty()) {
            return true;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        for (String pattern : patterns) {
            if (pattern.startsWith("*.") ? lower.endsWith(pattern.substring(1)) : lower.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
