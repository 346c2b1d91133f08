package io.retryladder.producer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.producer.internal.OperationValidator;
import org.junit.jupiter.api.Test;

class OperationValidationTest {

    private final OperationValidator validator = new OperationValidator(1024);

    @Test
    void validOperationAccepted() {
        assertThatCode(() ->
                        validator.validate(http().idempotencyKey("order-42").build()))
                .doesNotThrowAnyException();
    }

    @Test
    void missingKeyRejected() {
        assertThatThrownBy(() -> validator.validate(http().build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("idempotency key is missing")
                .hasMessageContaining("idempotencyKey(...)");
    }

    @Test
    void keyOver255CharactersRejected() {
        String key = "k".repeat(256);

        assertThatThrownBy(() -> validator.validate(http().idempotencyKey(key).build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("256 characters")
                .hasMessageContaining("limit of 255");
    }

    @Test
    void keyOf255CharactersAccepted() {
        assertThatCode(() -> validator.validate(
                        http().idempotencyKey("k".repeat(255)).build()))
                .doesNotThrowAnyException();
    }

    @Test
    void keyWithLineBreakRejected() {
        assertThatThrownBy(
                        () -> validator.validate(http().idempotencyKey("a\r\nb").build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("a\\u000d\\u000ab")
                .hasMessageContaining("printable ASCII");
    }

    @Test
    void missingUrlRejected() {
        assertThatThrownBy(() -> validator.validate(
                        Operation.http("POST", null).idempotencyKey("k").build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("Operation k: the URL is missing");
    }

    @Test
    void relativeUrlRejected() {
        assertThatThrownBy(() -> validator.validate(
                        Operation.http("POST", "/pay").idempotencyKey("k").build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("'/pay' is not an absolute http or https URL");
    }

    @Test
    void urlWithCredentialsRejected() {
        Operation operation = Operation.http("POST", "https://user:pw@payments.example/pay")
                .idempotencyKey("k")
                .build();

        assertThatThrownBy(() -> validator.validate(operation))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("contains credentials")
                .hasMessageNotContaining("pw");
    }

    @Test
    void missingMethodRejected() {
        assertThatThrownBy(() -> validator.validate(
                        Operation.http(null, "http://h/x").idempotencyKey("k").build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("HTTP method is missing");
    }

    @Test
    void lowerCaseMethodRejected() {
        assertThatThrownBy(() -> validator.validate(
                        Operation.http("post", "http://h/x").idempotencyKey("k").build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("'post' is invalid");
    }

    @Test
    void bodyOverLimitRejected() {
        Operation operation = http().idempotencyKey("k").body(new byte[1025]).build();

        assertThatThrownBy(() -> validator.validate(operation))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("1025 bytes")
                .hasMessageContaining(RetryPublisherConfig.MAX_BODY_BYTES);
    }

    @Test
    void reservedCallerHeaderRejected() {
        Operation operation = http().idempotencyKey("k")
                .callerHeader("retry.attempt", new byte[] {1})
                .build();

        assertThatThrownBy(() -> validator.validate(operation))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("'retry.attempt'")
                .hasMessageContaining("reserved");
    }

    @Test
    void restrictedHttpHeaderRejected() {
        Operation operation = http().idempotencyKey("k").header("Host", "evil").build();

        assertThatThrownBy(() -> validator.validate(operation))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("'Host' is set by the HTTP client");
    }

    @Test
    void invalidCustomTypeRejected() {
        Operation operation =
                Operation.custom("ledger append", null).idempotencyKey("k").build();

        assertThatThrownBy(() -> validator.validate(operation))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("'ledger append' is invalid");
    }

    @Test
    void singleAttemptBudgetRejected() {
        assertThatThrownBy(() -> validator.validate(
                        http().idempotencyKey("k").maxAttempts(1).build()))
                .isInstanceOf(InvalidOperationException.class)
                .hasMessageContaining("maxAttempts must be between 2 and 100, got 1");
    }

    private static Operation.Builder http() {
        return Operation.http("POST", "http://127.0.0.1:9/pay");
    }
}
