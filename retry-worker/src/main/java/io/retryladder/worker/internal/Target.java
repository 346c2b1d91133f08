package io.retryladder.worker.internal;

import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The downstream an operation calls, the unit of circuit breaking and rate limiting: scheme, host
 * and port of an HTTP call, or the type of a custom operation.
 */
public record Target(String name) {

    /** Targets by origin. Every attempt needs its target, and parsing a URI costs more than this lookup. */
    private static final Map<String, Target> byOrigin = new ConcurrentHashMap<>();

    private static final int KNOWN_ORIGINS_MAX = 10_000;

    public static Target of(FailedOperation operation) {
        Object request = operation.getRequest();
        if (request instanceof HttpRequest http) {
            return ofUrl(http.getUrl());
        }
        return new Target("custom:" + ((CustomOperation) request).getType());
    }

    static Target ofUrl(String url) {
        String origin = origin(url);
        Target known = byOrigin.get(origin);
        if (known != null) {
            return known;
        }
        Target parsed = parse(origin);
        if (byOrigin.size() >= KNOWN_ORIGINS_MAX) {
            byOrigin.clear();
        }
        byOrigin.put(origin, parsed);
        return parsed;
    }

    /** Returns the URL up to the end of its authority, the only part a target depends on. */
    private static String origin(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return url;
        }
        for (int i = start + 3; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return url.substring(0, i);
            }
        }
        return url;
    }

    private static Target parse(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme() == null ? "?" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "?" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
            return new Target(scheme + "://" + host + ":" + port);
        } catch (IllegalArgumentException e) {
            return new Target("invalid-url");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
