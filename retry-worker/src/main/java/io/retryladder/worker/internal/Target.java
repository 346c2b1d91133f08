package io.retryladder.worker.internal;

import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import java.net.URI;
import java.util.Locale;

/**
 * The downstream an operation calls, the unit of circuit breaking and rate limiting: scheme, host
 * and port of an HTTP call, or the type of a custom operation.
 */
public record Target(String name) {

    public static Target of(FailedOperation operation) {
        Object request = operation.getRequest();
        if (request instanceof HttpRequest http) {
            return ofUrl(http.getUrl());
        }
        return new Target("custom:" + ((CustomOperation) request).getType());
    }

    static Target ofUrl(String url) {
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
