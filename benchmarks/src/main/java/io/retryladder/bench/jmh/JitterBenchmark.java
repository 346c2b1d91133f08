package io.retryladder.bench.jmh;

import io.retryladder.envelope.DueTimes;
import io.retryladder.envelope.Jitter;
import io.retryladder.envelope.Ladder;
import io.retryladder.envelope.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The jitter computation with the default EQUAL strategy, alone and inside a due-time computation. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JitterBenchmark {

    private final Jitter jitter = Jitter.ofDefaults();
    private final DueTimes dueTimes = new DueTimes(Ladder.ofDefaults(), jitter);
    private final Tier tier = Ladder.ofDefaults().tiers().get(2);
    private final Duration tierDelay = Duration.ofSeconds(16);
    private final Instant failedAt = Instant.ofEpochMilli(1_800_000_000_000L);

    @Benchmark
    public Duration jitteredDelay() {
        return jitter.delay(tierDelay, Duration.ZERO);
    }

    @Benchmark
    public Instant nextDueTime() {
        return dueTimes.next(tier, failedAt, Duration.ZERO, null);
    }
}
