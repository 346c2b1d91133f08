package io.retryladder.envelope.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.envelope.TestOperations;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CorruptEnvelopeTest {

    private final EnvelopeCodec codec = EnvelopeCodec.singleObject();

    @Test
    void hugeStringLengthIsUndecodable() {
        byte[] bytes = codec.encode(
                "t", TestOperations.http("k", "http://127.0.0.1:9/x").build());
        // Byte 11 starts the first string's length; a long zig-zag varint claims a string of gigabytes.
        bytes[10] = (byte) 0xFE;
        bytes[11] = (byte) 0xFF;
        bytes[12] = (byte) 0xFF;
        bytes[13] = (byte) 0xFF;
        bytes[14] = (byte) 0x0F;

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void randomBytesAfterValidHeaderAreUndecodable() throws Exception {
        byte[] valid = codec.encode(
                "t", TestOperations.http("k", "http://127.0.0.1:9/x").build());
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = valid.clone();
            for (int j = 10; j < bytes.length; j++) {
                if (random.nextInt(8) == 0) {
                    bytes[j] = (byte) random.nextInt(256);
                }
            }
            try {
                codec.decode(bytes);
            } catch (UndecodableEnvelopeException expected) {
                // Either outcome is fine; any other exception fails the test.
            }
        }
    }
}
