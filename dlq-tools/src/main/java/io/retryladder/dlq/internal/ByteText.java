package io.retryladder.dlq.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Renders bytes for people and scripts: as text when they are printable UTF-8, otherwise in a binary
 * format. Null and empty stay distinct.
 */
public final class ByteText {

    private ByteText() {}

    /** Returns the UTF-8 text of {@code bytes}, or null when they are not UTF-8 or hold control characters. */
    public static String textOrNull(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return null;
            }
        }
        return text;
    }

    /** Returns bytes held in an Avro buffer, or null; the buffer's position does not move. */
    public static byte[] of(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }

    /**
     * Returns a one-line rendering: {@code null}, {@code (empty)}, the text in double quotes with
     * JSON escapes, or the bytes in {@code format} with their size.
     */
    public static String display(byte[] bytes, BinaryFormat format) {
        if (bytes == null) {
            return "null";
        }
        if (bytes.length == 0) {
            return "(empty)";
        }
        String text = textOrNull(bytes);
        if (text != null) {
            return Json.line(Json.object().textNode(text));
        }
        return format.label() + " " + format.encode(bytes) + " (" + bytes.length + " bytes, not UTF-8 text)";
    }

    /**
     * Returns JSON for bytes: null, or an object with the size and either {@code text} (printable
     * UTF-8) or the bytes under {@code hex} or {@code base64}.
     */
    public static JsonNode json(byte[] bytes, BinaryFormat format) {
        if (bytes == null) {
            return NullNode.getInstance();
        }
        ObjectNode node = Json.object();
        node.put("size", bytes.length);
        String text = textOrNull(bytes);
        if (text != null) {
            node.put("text", text);
        } else {
            node.put(format.label(), format.encode(bytes));
        }
        return node;
    }
}
