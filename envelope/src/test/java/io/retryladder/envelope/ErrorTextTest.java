package io.retryladder.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void shortTextUnchanged() {
        assertThat(ErrorText.cap("HTTP 503", 64)).isEqualTo("HTTP 503");
    }

    @Test
    void longTextCappedWithMark() {
        String capped = ErrorText.cap("x".repeat(8192), 1024);

        assertThat(capped).hasSize(1024).endsWith("... [truncated]");
    }

    @Test
    void capDoesNotSplitSurrogatePair() {
        String text = "a".repeat(48) + "\uD83D\uDE00" + "b".repeat(100);

        String capped = ErrorText.cap(text, 64);

        assertThat(Character.isHighSurrogate(capped.charAt(capped.length() - "... [truncated]".length() - 1)))
                .isFalse();
    }

    @Test
    void nullBecomesEmpty() {
        assertThat(ErrorText.cap(null, 64)).isEmpty();
    }
}
