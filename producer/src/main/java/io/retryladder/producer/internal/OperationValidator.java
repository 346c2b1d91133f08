package io.retryladder.producer.internal;

import io.retryladder.envelope.PipelineHeaders;
import io.retryladder.producer.InvalidOperationException;
import io.retryladder.producer.Operation;
import io.retryladder.producer.Operation.NamedValue;
import io.retryladder.producer.RetryPublisherConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks an operation before it is published; every message names the value and the fix. */
public final class OperationValidator {

    /** Longest idempotency key accepted, in characters. */
    public static final int MAX_KEY_LENGTH = 255;

    /** Most attempts one budget may allow. */
    public static final int MAX_ATTEMPTS_LIMIT = 100;

    private static final Pattern PRINTABLE_ASCII = Pattern.compile("[\\x20-\\x7E]+");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
    /** Headers the JDK HTTP client sets itself and does not let callers set. */
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final int maxBodyBytes;

    public OperationValidator(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public void validate(Operation operation) {
        validateKey(operation.idempotencyKey());
        if (operation.kind() == Operation.Kind.HTTP) {
            validateHttp(operation);
        } else {
            validateCustom(operation);
        }
        for (NamedValue<byte[]> header : operation.callerHeaders()) {
            if (header.name().startsWith(PipelineHeaders.RESERVED_PREFIX)) {
                throw invalid(
                        operation,
                        "caller header '" + header.name() + "' uses the prefix '" + PipelineHeaders.RESERVED_PREFIX
                                + "' reserved for pipeline headers; rename it");
            }
        }
        Integer maxAttempts = operation.maxAttempts();
        if (maxAttempts != null && (maxAttempts < 2 || maxAttempts > MAX_ATTEMPTS_LIMIT)) {
            throw invalid(
                    operation, "maxAttempts must be between 2 and " + MAX_ATTEMPTS_LIMIT + ", got " + maxAttempts);
        }
    }

    private static void validateKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidOperationException("The idempotency key is missing; set one with idempotencyKey(...),"
                    + " for example the id of the order or payment the call acts on");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new InvalidOperationException("The idempotency key '" + key.substring(0, 40) + "...' has "
                    + key.length() + " characters, more than the limit of " + MAX_KEY_LENGTH
                    + "; use a shorter key, for example a hash of the long one");
        }
        if (!PRINTABLE_ASCII.matcher(key).matches()) {
            throw new InvalidOperationException("The idempotency key '" + printable(key) + "' contains characters"
                    + " other than printable ASCII; it is sent as an HTTP header, so use letters, digits and"
                    + " punctuation only");
        }
    }

    private void validateHttp(Operation operation) {
        String method = operation.method();
        if (method == null || method.isEmpty()) {
            throw invalid(operation, "the HTTP method is missing; pass one such as POST to Operation.http");
        }
        if (!TOKEN.matcher(method).matches() || !method.equals(method.toUpperCase(Locale.ROOT))) {
            throw invalid(
                    operation,
                    "the HTTP method '" + printable(method) + "' is invalid; use an upper-case"
                            + " method such as POST or PUT");
        }
        validateUrl(operation);
        for (NamedValue<String> header : operation.headers()) {
            validateHeader(operation, header);
        }
        checkSize(operation, operation.bodyOrPayloadLength(), "body");
        Duration timeout = operation.timeout();
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.toMinutes() > 60)) {
            throw invalid(operation, "the timeout must be between 1 ms and 60 minutes, got " + timeout);
        }
    }

    private static void validateUrl(Operation operation) {
        String url = operation.url();
        if (url == null || url.isBlank()) {
            throw invalid(operation, "the URL is missing; pass an absolute http or https URL to Operation.http");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(operation, "the URL '" + printable(url) + "' is invalid: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid(operation, "the URL '" + printable(url) + "' is not an absolute http or https URL");
        }
        if (uri.getHost() == null) {
            throw invalid(operation, "the URL '" + printable(url) + "' has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(
                    operation,
                    "the URL of host " + uri.getHost() + " contains credentials, which would be"
                            + " written to Kafka; send them in a header listed in "
                            + RetryPublisherConfig.SECRET_HEADERS + " instead");
        }
    }

    private static void validateHeader(Operation operation, NamedValue<String> header) {
        String name = header.name();
        if (!TOKEN.matcher(name).matches()) {
            throw invalid(operation, "the HTTP header name '" + printable(name) + "' is invalid");
        }
        if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw invalid(operation, "the HTTP header '" + name + "' is set by the HTTP client itself; remove it");
        }
        String value = header.value();
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
            throw invalid(operation, "the value of HTTP header '" + name + "' contains a line break");
        }
    }

    private void validateCustom(Operation operation) {
        String type = operation.type();
        if (type == null || !TYPE_NAME.matcher(type).matches()) {
            throw invalid(
                    operation,
                    "the custom operation type '" + printable(String.valueOf(type)) + "' is invalid;"
                            + " use 1 to 255 letters, digits, '.', '_' or '-', as registered by the worker's handler");
        }
        checkSize(operation, operation.bodyOrPayloadLength(), "payload");
    }

    private void checkSize(Operation operation, int length, String what) {
        if (length > maxBodyBytes) {
            throw invalid(
                    operation,
                    "the " + what + " has " + length + " bytes, more than the limit of "
                            + maxBodyBytes + " set by " + RetryPublisherConfig.MAX_BODY_BYTES
                            + "; send a reference to the data instead, or raise the limit");
        }
    }

    private static InvalidOperationException invalid(Operation operation, String problem) {
        return new InvalidOperationException("Operation " + operation.idempotencyKey() + ": " + problem);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
            if (out.length() > 80) {
                return out.append("...").toString();
            }
        }
        return out.toString();
    }
}
