package io.retryladder.bench.jmh;

import io.retryladder.envelope.state.OperationState;
import io.retryladder.envelope.state.OperationState.Status;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.RocksDBException;

/**
 * The worker's dedupe lookup for each tier record: a RocksDB get by idempotency key in the
 * "operations" store and {@link OperationState#deserialize} of the value, with {@code keys} keys in
 * the store; and a get of a key the store does not hold, which every first tier record makes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DedupeLookupBenchmark {

    @Param("100000")
    public int keys;

    private RocksStores store;
    private byte[][] present;

    @Setup(Level.Trial)
    public void fill() throws RocksDBException {
        store = new RocksStores("operations");
        present = new byte[keys][];
        byte[] fingerprint = new byte[32];
        ThreadLocalRandom.current().nextBytes(fingerprint);
        for (int i = 0; i < keys; i++) {
            present[i] = ("order-" + i).getBytes(StandardCharsets.UTF_8);
            byte[] timerKey =
                    TimerKeyLayout.of(1_800_000_000_000L + i, UUID.randomUUID().toString(), 0, 2);
            OperationState state = new OperationState(
                    Status.IN_LADDER, UUID.randomUUID().toString(), fingerprint, 1, 0, 1_800_000_000_000L, 0, timerKey);
            store.put(present[i], state.serialize());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public OperationState lookUpKnownKey() throws RocksDBException {
        byte[] value = store.db().get(present[ThreadLocalRandom.current().nextInt(keys)]);
        return OperationState.deserialize(value);
    }

    @Benchmark
    public byte[] lookUpNewKey() throws RocksDBException {
        return store.db().get(("new-" + ThreadLocalRandom.current().nextInt()).getBytes(StandardCharsets.UTF_8));
    }
}
