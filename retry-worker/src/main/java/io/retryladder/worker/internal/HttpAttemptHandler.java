package io.retryladder.worker.internal;

import io.retryladder.envelope.RetryAfter;
import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.envelope.avro.HttpRequest;
import io.retryladder.envelope.config.StatusRanges;
import io.retryladder.worker.AttemptResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Makes the HTTP call of an operation with the JDK client, asynchronously. It sends the idempotency
 * key as {@code Idempotency-Key}, fills secret headers from the worker's configuration, refuses
 * targets outside the allow-list, and follows redirects only to the same scheme, host and port.
 */
public final class HttpAttemptHandler implements AutoCloseable {

    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    static final String ATTEMPT_HEADER = "Retry-Attempt";
    static final String DUE_AT_HEADER = "Retry-Due-At-Ms";

    private final HttpClient client;
    /** The client's executor when {@link #newClient} built the client, else null. */
    private final ClientExecutor clientExecutor;

    private final StatusRanges retryableStatuses;
    private final Duration defaultTimeout;
    private final HostAllowList allowedHosts;
    private final int maxRedirects;
    private final SecretResolver secrets;
    private final Clock clock;

    public HttpAttemptHandler(
            HttpClient client,
            StatusRanges retryableStatuses,
            Duration defaultTimeout,
            HostAllowList allowedHosts,
            int maxRedirects,
            SecretResolver secrets,
            Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clientExecutor = client.executor()
                .filter(ClientExecutor.class::isInstance)
                .map(ClientExecutor.class::cast)
                .orElse(null);
        this.retryableStatuses = retryableStatuses;
        this.defaultTimeout = defaultTimeout;
        this.allowedHosts = allowedHosts;
        this.maxRedirects = maxRedirects;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** Stops the threads of the client's executor when {@link #newClient} built the client. */
    @Override
    public void close() {
        if (clientExecutor != null) {
            clientExecutor.close();
        }
    }

    /**
     * Builds the client the handler needs: no automatic redirects, and a {@link ClientExecutor}.
     * Without its own executor the client completes responses on the common fork-join pool, which
     * on machines with one or two CPUs starts a new thread for every task.
     */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(new ClientExecutor(Math.max(2, Runtime.getRuntime().availableProcessors())))
                .build();
    }

    /** Starts the call for {@code attempt} (its number) of {@code operation}, due at {@code dueAtMs}. */
    public CompletableFuture<AttemptResult> attempt(FailedOperation operation, int attempt, long dueAtMs) {
        HttpRequest request = (HttpRequest) operation.getRequest();
        URI uri;
        try {
            uri = URI.create(request.getUrl());
        } catch (IllegalArgumentException e) {
            return done(AttemptResult.nonRetryable(ErrorKind.INVALID_OPERATION, "invalid URL: " + e.getMessage()));
        }
        String rejection = allowedHosts.rejectionReason(uri);
        if (rejection != null) {
            return done(AttemptResult.nonRetryable(ErrorKind.TARGET_REJECTED, rejection));
        }
        java.net.http.HttpRequest httpRequest;
        try {
            httpRequest = buildRequest(operation, request, uri, attempt, dueAtMs);
        } catch (MissingSecretException e) {
            return done(AttemptResult.nonRetryable(ErrorKind.INVALID_OPERATION, e.getMessage()));
        } catch (IllegalArgumentException e) {
            return done(AttemptResult.nonRetryable(ErrorKind.INVALID_OPERATION, "invalid request: " + e.getMessage()));
        }
        return send(httpRequest, uri, 0);
    }

    private CompletableFuture<AttemptResult> send(java.net.http.HttpRequest request, URI origin, int redirects) {
        CompletableFuture<HttpResponse<Void>> pending = clientExecutor != null
                ? clientExecutor.starting(() -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                : client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        return pending.thenCompose(response -> {
                    int status = response.statusCode();
                    if (status >= 300 && status < 400 && status != 304) {
                        return followRedirect(request, response, origin, redirects);
                    }
                    return done(classify(response));
                })
                .exceptionally(HttpAttemptHandler::classifyError);
    }

    private CompletableFuture<AttemptResult> followRedirect(
            java.net.http.HttpRequest request, HttpResponse<Void> response, URI origin, int redirects) {
        String location = response.headers().firstValue("Location").orElse(null);
        int status = response.statusCode();
        if (location == null) {
            return done(AttemptResult.nonRetryable(ErrorKind.HTTP_STATUS, "HTTP " + status + " without a Location"));
        }
        URI target;
        try {
            target = request.uri().resolve(location);
        } catch (IllegalArgumentException e) {
            return done(failure(status, ErrorKind.TARGET_REJECTED, "redirect to an invalid Location"));
        }
        if (!sameOrigin(origin, target)) {
            return done(failure(
                    status,
                    ErrorKind.TARGET_REJECTED,
                    "redirect from " + origin.getHost() + " to "
                            + target.getHost()
                            + " not followed: redirects leave the target only with its own scheme, host"
                            + " and port"));
        }
        if (redirects >= maxRedirects) {
            return done(failure(status, ErrorKind.TARGET_REJECTED, "more than " + maxRedirects + " redirects"));
        }
        java.net.http.HttpRequest.Builder next = java.net.http.HttpRequest.newBuilder(target)
                .timeout(request.timeout().orElse(defaultTimeout));
        request.version().ifPresent(next::version);
        request.headers().map().forEach((name, values) -> values.forEach(value -> next.header(name, value)));
        boolean keepMethod = status == 307 || status == 308;
        if (keepMethod) {
            next.method(
                    request.method(),
                    request.bodyPublisher().orElse(java.net.http.HttpRequest.BodyPublishers.noBody()));
        } else {
            next.GET();
        }
        return send(next.build(), origin, redirects + 1);
    }

    private java.net.http.HttpRequest buildRequest(
            FailedOperation operation, HttpRequest request, URI uri, int attempt, long dueAtMs) {
        Integer timeoutMs = request.getTimeoutMs();
        Duration timeout = timeoutMs != null && timeoutMs > 0 ? Duration.ofMillis(timeoutMs) : defaultTimeout;
        ByteBuffer body = request.getBody();
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method(
                        request.getMethod(),
                        body == null
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes(body)));
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // Without this the JDK client asks for an h2c upgrade on every cleartext request, with an
            // encoded HTTP2-Settings header that HTTP/1.1 servers parse and ignore. HTTPS still
            // negotiates HTTP/2 through ALPN.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        for (HttpHeader header : request.getHeaders()) {
            String value = header.getValue();
            if (header.getSecretRef() != null) {
                value = secrets.resolve(header.getSecretRef());
                if (value == null) {
                    throw new MissingSecretException("header " + header.getName() + " refers to secret '"
                            + header.getSecretRef() + "', which this worker does not have; set retry.secret."
                            + header.getSecretRef() + " and replay the dead letter");
                }
            }
            if (value != null && !isReserved(header.getName())) {
                builder.header(header.getName(), value);
            }
        }
        builder.header(IDEMPOTENCY_KEY_HEADER, operation.getIdempotencyKey());
        builder.header(ATTEMPT_HEADER, Integer.toString(attempt));
        builder.header(DUE_AT_HEADER, Long.toString(dueAtMs));
        return builder.build();
    }

    private AttemptResult classify(HttpResponse<Void> response) {
        int status = response.statusCode();
        if (status < 300) {
            return AttemptResult.success(status);
        }
        Duration retryAfter =
                RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock);
        boolean overloaded = status == 429 || status == 503 || retryAfter != null;
        boolean retryable = retryableStatuses.contains(status);
        String message = "HTTP " + status + " from " + response.request().method() + " "
                + response.request().uri().getHost();
        return new AttemptResult(false, ErrorKind.HTTP_STATUS, message, status, retryable, retryAfter, overloaded);
    }

    private static AttemptResult classifyError(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return AttemptResult.retryable(ErrorKind.TIMEOUT, cause.toString());
        }
        if (cause instanceof ConnectException || cause instanceof IOException) {
            return AttemptResult.retryable(ErrorKind.CONNECTION_FAILED, cause.toString());
        }
        return AttemptResult.nonRetryable(ErrorKind.HANDLER_ERROR, String.valueOf(cause));
    }

    private static AttemptResult failure(int status, ErrorKind kind, String message) {
        return new AttemptResult(false, kind, message, status, false, null, false);
    }

    private static boolean sameOrigin(URI origin, URI target) {
        return origin.getScheme() != null
                && origin.getScheme().equalsIgnoreCase(target.getScheme())
                && origin.getHost() != null
                && origin.getHost().equalsIgnoreCase(target.getHost())
                && port(origin) == port(target);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isReserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return List.of(
                        "idempotency-key",
                        "retry-attempt",
                        "retry-due-at-ms",
                        "host",
                        "content-length",
                        "connection",
                        "expect",
                        "upgrade")
                .contains(lower);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    private static CompletableFuture<AttemptResult> done(AttemptResult result) {
        return CompletableFuture.completedFuture(result);
    }

    /** A secret header whose reference the worker cannot resolve. */
    static final class MissingSecretException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingSecretException(String message) {
            super(message);
        }
    }
}
