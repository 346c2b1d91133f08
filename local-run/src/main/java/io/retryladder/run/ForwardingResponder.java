package io.retryladder.run;

import io.retryladder.run.DownstreamServer.Request;
import io.retryladder.run.DownstreamServer.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Forwards each call to a real service and returns its response, so that a {@link DownstreamServer}
 * in front of that service can count effects by idempotency key. A call that gets no response from
 * the service gets a 502 Bad Gateway response.
 */
public final class ForwardingResponder implements DownstreamServer.Responder {

    /** Headers that belong to one connection, or that the JDK client sets itself; they are not forwarded. */
    private static final Set<String> NOT_FORWARDED = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "keep-alive",
            "proxy-authenticate",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "date");

    private final URI target;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param target base URL of the real service; the path and query of each call are appended to it
     * @param timeout maximum wait for the service's response
     */
    public ForwardingResponder(URI target, Duration timeout) {
        this.target = Objects.requireNonNull(target, "target");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public URI target() {
        return target;
    }

    @Override
    public CompletableFuture<Response> respond(Request request) {
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(resolve(request.uri()))
                .timeout(timeout)
                .method(
                        request.method(),
                        request.body().length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> forwarded.header(name, value));
            }
        });
        return client.sendAsync(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> error != null
                        ? Response.text(502, "No response from " + target + ": " + error)
                        : new Response(response.statusCode(), responseHeaders(response), response.body()));
    }

    /** Appends the call's path and query to the target's path. */
    URI resolve(URI callUri) {
        String basePath = target.getRawPath() == null ? "" : target.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String path = basePath + (callUri.getRawPath() == null ? "" : callUri.getRawPath());
        String query = callUri.getRawQuery() == null ? "" : "?" + callUri.getRawQuery();
        return URI.create(target.getScheme() + "://" + target.getRawAuthority() + path + query);
    }

    private static Map<String, List<String>> responseHeaders(HttpResponse<byte[]> response) {
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, values);
            }
        });
        return headers;
    }
}
