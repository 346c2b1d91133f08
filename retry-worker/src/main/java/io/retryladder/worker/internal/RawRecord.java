package io.retryladder.worker.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A record's key, value and headers, byte for byte, with null kept apart from empty. */
public record RawRecord(byte[] key, byte[] value, Headers headers) {

    public byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, key);
            writeBytes(out, value);
            Header[] all = headers.toArray();
            out.writeInt(all.length);
            for (Header header : all) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static RawRecord deserialize(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            RecordHeaders headers = new RecordHeaders();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                headers.add(new RecordHeader(in.readUTF(), readBytes(in)));
            }
            return new RawRecord(key, value, headers);
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt raw record in the timer store", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length);
            out.write(value);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }
}
