package io.retryladder.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.retryladder.envelope.avro.ErrorKind;
import io.retryladder.worker.AttemptResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutcomeReportTest {

    @Test
    void failureRoundTrip() {
        AttemptResult result =
                new AttemptResult(false, ErrorKind.HTTP_STATUS, "HTTP 503", 503, true, Duration.ofSeconds(7), true);
        OutcomeReport report = new OutcomeReport("op-1", 2, 3, 1234L, result);

        OutcomeReport read = OutcomeReport.deserialize(report.serialize());

        assertThat(read).isEqualTo(report);
    }

    @Test
    void successRoundTrip() {
        OutcomeReport report = new OutcomeReport("op-2", 0, 2, 99L, AttemptResult.success(200));

        assertThat(OutcomeReport.deserialize(report.serialize())).isEqualTo(report);
    }

    @Test
    void startRoundTrip() {
        OutcomeReport report = OutcomeReport.started("op-3", 1, 4, 5678L);

        OutcomeReport read = OutcomeReport.deserialize(report.serialize());

        assertThat(read).isEqualTo(report);
        assertThat(read.inFlight()).isTrue();
        assertThat(read.result()).isNull();
    }

    @Test
    void foreignBytesRejected() {
        assertThatThrownBy(() -> OutcomeReport.deserialize(new byte[] {1, 2, 3, 4, 5}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outcome report");
    }
}
