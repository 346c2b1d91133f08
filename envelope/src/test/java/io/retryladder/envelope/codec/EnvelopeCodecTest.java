package io.retryladder.envelope.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.envelope.TestOperations;
import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.CustomOperation;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.avro.HttpRequest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    private final EnvelopeCodec codec = EnvelopeCodec.singleObject();

    @Test
    void singleObjectRoundTrip() throws Exception {
        FailedOperation operation =
                TestOperations.http("order-1", "http://127.0.0.1:9/pay").build();

        byte[] bytes = codec.encode("retry-1s", operation);

        assertThat(WireFormat.detect(bytes)).isEqualTo(WireFormat.SINGLE_OBJECT);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(codec.decode(bytes)).isEqualTo(operation);
    }

    @Test
    void currentSingleObjectKeptAsIs() throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        byte[] bytes = codec.encode(
                "t", TestOperations.http("order-2", "http://127.0.0.1:9/pay").build());

        assertThat(codec.toCurrentSingleObject(bytes)).isSameAs(bytes);
    }

    @Test
    void otherFingerprintNotKept() throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.singleObject();
        byte[] bytes = codec.encode(
                "t", TestOperations.http("order-3", "http://127.0.0.1:9/pay").build());
        bytes[5] ^= 0x01;

        assertThat(codec.toCurrentSingleObject(bytes)).isNull();
        assertThat(codec.toCurrentSingleObject(new byte[] {1, 2, 3})).isNull();
    }

    @Test
    void nullAndEmptyPayloadStayDistinct() throws Exception {
        FailedOperation withNull =
                TestOperations.custom("k-null", "ledger", null).build();
        FailedOperation withEmpty =
                TestOperations.custom("k-empty", "ledger", new byte[0]).build();

        CustomOperation decodedNull =
                (CustomOperation) codec.decode(codec.encode("t", withNull)).getRequest();
        CustomOperation decodedEmpty =
                (CustomOperation) codec.decode(codec.encode("t", withEmpty)).getRequest();

        assertThat(decodedNull.getPayload()).isNull();
        assertThat(decodedEmpty.getPayload()).isNotNull();
        assertThat(decodedEmpty.getPayload().remaining()).isZero();
    }

    @Test
    void nullAndEmptyHttpBodyStayDistinct() throws Exception {
        FailedOperation operation =
                TestOperations.http("k", "http://127.0.0.1:9/x").build();
        ((HttpRequest) operation.getRequest()).setBody(null);
        FailedOperation empty =
                TestOperations.http("k2", "http://127.0.0.1:9/x").build();
        ((HttpRequest) empty.getRequest()).setBody(ByteBuffer.allocate(0));

        HttpRequest decodedNull =
                (HttpRequest) codec.decode(codec.encode("t", operation)).getRequest();
        HttpRequest decodedEmpty =
                (HttpRequest) codec.decode(codec.encode("t", empty)).getRequest();

        assertThat(decodedNull.getBody()).isNull();
        assertThat(decodedEmpty.getBody()).isNotNull();
        assertThat(decodedEmpty.getBody().remaining()).isZero();
    }

    @Test
    void callerHeadersKeptByteForByte() throws Exception {
        FailedOperation operation = TestOperations.http("k", "http://127.0.0.1:9/x")
                .setCallerHeaders(TestOperations.awkwardHeaders())
                .build();

        FailedOperation decoded = codec.decode(codec.encode("t", operation));

        assertThat(decoded.getCallerHeaders())
                .extracting(CallerHeader::getName)
                .containsExactly("trace", "nothing", "empty", "dup", "dup");
        for (int i = 0; i < operation.getCallerHeaders().size(); i++) {
            ByteBuffer expected = operation.getCallerHeaders().get(i).getValue();
            ByteBuffer actual = decoded.getCallerHeaders().get(i).getValue();
            if (expected == null) {
                assertThat(actual).as("header %d", i).isNull();
            } else {
                assertThat(bytes(actual)).as("header %d", i).isEqualTo(bytes(expected));
            }
        }
    }

    @Test
    void nullValueIsUndecodable() {
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("null");
    }

    @Test
    void wrongMagicByteIsUndecodable() {
        assertThatThrownBy(() -> codec.decode(new byte[] {0x7B, 0x22, 0x61, 0x22, 0x7D}))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("0x7B226122")
                .hasMessageContaining("expected 0x00");
    }

    @Test
    void truncatedEnvelopeIsUndecodable() {
        byte[] bytes = codec.encode(
                "t", TestOperations.http("k", "http://127.0.0.1:9/x").build());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void unknownFingerprintIsUndecodable() {
        byte[] bytes = codec.encode(
                "t", TestOperations.http("k", "http://127.0.0.1:9/x").build());
        bytes[5] ^= 0x55;

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("fingerprint");
    }

    @Test
    void registryFormatWithoutRegistryIsUndecodable() {
        byte[] bytes = {0, 0, 0, 0, 42, 2, 4, 6};

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableEnvelopeException.class)
                .hasMessageContaining("schema id 42")
                .hasMessageContaining("schema.registry.url");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        return bytes;
    }
}
