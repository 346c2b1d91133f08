package io.retryladder.envelope;

import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A digest of what an operation does, used to tell a repeated publication of one operation from
 * two different operations that share an idempotency key.
 *
 * <p>It covers the HTTP method, URL and body, or the custom type and payload, and keeps a null body
 * apart from an empty one. It leaves out headers, which often carry per-call values such as trace
 * ids.
 */
public final class RequestFingerprint {

    /** Length of a fingerprint in bytes: the first 16 bytes of a SHA-256 digest. */
    public static final int LENGTH = 16;

    /** One digest per thread, because looking up a provider for each fingerprint costs more than the hashing. */
    private static final ThreadLocal<MessageDigest> DIGESTS = ThreadLocal.withInitial(RequestFingerprint::sha256);

    private RequestFingerprint() {}

    public static byte[] of(FailedOperation operation) {
        MessageDigest digest = DIGESTS.get();
        // A call that failed half way can leave input in the digest.
        digest.reset();
        Object request = operation.getRequest();
        if (request instanceof HttpRequest http) {
            update(digest, "http");
            update(digest, http.getMethod());
            update(digest, http.getUrl());
            update(digest, http.getBody());
        } else if (request instanceof CustomOperation custom) {
            update(digest, "custom");
            update(digest, custom.getType());
            update(digest, custom.getPayload());
        } else {
            throw new IllegalArgumentException("Unknown request type "
                    + request.getClass().getName() + " in operation " + operation.getOperationId());
        }
        return Arrays.copyOf(digest.digest(), LENGTH);
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        updateLength(digest, bytes.length);
        digest.update(bytes);
    }

    private static void update(MessageDigest digest, ByteBuffer bytes) {
        if (bytes == null) {
            updateLength(digest, -1);
            return;
        }
        ByteBuffer view = bytes.duplicate();
        updateLength(digest, view.remaining());
        digest.update(view);
    }

    private static void updateLength(MessageDigest digest, int length) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM provides no SHA-256, which every Java SE runtime must", e);
        }
    }
}
