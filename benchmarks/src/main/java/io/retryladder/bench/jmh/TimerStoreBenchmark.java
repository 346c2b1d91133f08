package io.retryladder.bench.jmh;

import io.retryladder.bench.SampleEnvelope;
import io.retryladder.envelope.codec.EnvelopeCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The worker's due-time scheduling structure: a RocksDB store keyed by due time (the TimerKeys
 * layout) with {@code waiting} records, whose values have the size of a serialized timer entry.
 * Insert and delete run in batches of 50,000 on a store refilled before each iteration. The range
 * scan reads the entries due at one instant, as the worker's punctuator does every tick.
 */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TimerStoreBenchmark {

    private static final int BATCH = 50_000;
    private static final long BASE_MS = 1_800_000_000_000L;
    private static final long SPREAD_MS = 16_000;

    @Param("100000")
    public int waiting;

    @Param("10")
    public int duePerScan;

    private RocksStores store;
    private byte[] value;
    private byte[][] keys;
    private int next;
    private long scanFrom;

    @Setup(Level.Iteration)
    public void fill() throws RocksDBException {
        store = new RocksStores("timers");
        value = timerEntrySizedValue();
        keys = new byte[waiting][];
        for (int i = 0; i < waiting; i++) {
            // Due times spread evenly over the 16 s of the longest tier.
            keys[i] = TimerKeyLayout.of(
                    BASE_MS + i * SPREAD_MS / waiting, UUID.randomUUID().toString(), 0, 2);
            store.put(keys[i], value);
        }
        next = 0;
        scanFrom = 0;
    }

    @TearDown(Level.Iteration)
    public void close() {
        store.close();
    }

    /** Inserts a record due after every waiting one, as a newly read tier record is. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Measurement(batchSize = BATCH)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void insert() throws RocksDBException {
        store.put(
                TimerKeyLayout.of(
                        BASE_MS + SPREAD_MS + next++, UUID.randomUUID().toString(), 0, 2),
                value);
    }

    /** Deletes the earliest waiting record, as the worker does once its attempt is applied. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Measurement(batchSize = BATCH)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void delete() throws RocksDBException {
        store.delete(keys[next++ % waiting]);
    }

    /**
     * Reads the entries due in one window: a range scan up to the window's upper bound over
     * {@code duePerScan} entries. Each call moves the window on.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void scanDue(Blackhole blackhole) {
        long windowMs = Math.max(1, duePerScan * SPREAD_MS / waiting);
        long from = BASE_MS + (scanFrom % (SPREAD_MS - windowMs));
        scanFrom += windowMs;
        byte[] upper = TimerKeyLayout.upperBoundFor(from + windowMs - 1);
        try (RocksIterator iterator = store.db().newIterator()) {
            iterator.seek(TimerKeyLayout.upperBoundFor(from - 1));
            while (iterator.isValid() && compare(iterator.key(), upper) < 0) {
                blackhole.consume(iterator.value());
                iterator.next();
            }
        }
    }

    /** Returns a value of the size of a serialized timer entry holding the sample envelope. */
    static byte[] timerEntrySizedValue() {
        byte[] envelope = EnvelopeCodec.singleObject().encode("retry-1s", SampleEnvelope.of("order-42", 256));
        // Timer entry fields before the envelope: version, kind, tier, topic, partition, offset, due,
        // deferrals, reserved flag, dead-letter back-off and the payload length.
        int header = 1 + 1 + 2 + (2 + "retry-1s".length()) + 4 + 8 + 8 + 4 + 1 + 8 + 4;
        return ByteBuffer.allocate(header + envelope.length)
                .put("x".repeat(header).getBytes(StandardCharsets.US_ASCII))
                .put(envelope)
                .array();
    }

    private static int compare(byte[] left, byte[] right) {
        return java.util.Arrays.compareUnsigned(left, right);
    }
}
