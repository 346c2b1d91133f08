package io.retryladder.dlq.internal;

import java.util.Base64;
import java.util.HexFormat;

/** Encoding of bytes that are not text, in output. */
public enum BinaryFormat {
    HEX,
    BASE64;

    public String encode(byte[] bytes) {
        return this == HEX
                ? HexFormat.of().formatHex(bytes)
                : Base64.getEncoder().encodeToString(bytes);
    }

    /** Returns the name of the encoding as it appears in output: hex or base64. */
    public String label() {
        return this == HEX ? "hex" : "base64";
    }
}
