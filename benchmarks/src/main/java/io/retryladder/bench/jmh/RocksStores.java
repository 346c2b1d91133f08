package io.retryladder.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * A RocksDB instance opened with the options Kafka Streams 4.4's RocksDBStore uses for a persistent
 * key-value store. Those are 16 MiB write buffers (3 of them), a 50 MiB LRU block cache, 4 KiB
 * blocks, a bloom filter, no compression and universal compaction. Writes skip the write-ahead log, because the
 * changelog topic makes the store durable.
 */
final class RocksStores implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions;

    RocksStores(String name) {
        try {
            this.dir = Files.createTempDirectory("bench-" + name + "-");
            this.cache = new LRUCache(50L * 1024 * 1024);
            this.filter = new BloomFilter();
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setBlockSize(4096)
                    .setFilterPolicy(filter);
            this.options = new Options()
                    .setCreateIfMissing(true)
                    .setTableFormatConfig(table)
                    .setWriteBufferSize(16L * 1024 * 1024)
                    .setMaxWriteBufferNumber(3)
                    .setCompressionType(CompressionType.NO_COMPRESSION)
                    .setCompactionStyle(CompactionStyle.UNIVERSAL);
            this.db = RocksDB.open(options, dir.toString());
            this.writeOptions = new WriteOptions().setDisableWAL(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create a directory for RocksDB", e);
        } catch (RocksDBException e) {
            throw new IllegalStateException("Failed to open RocksDB: " + e.getMessage(), e);
        }
    }

    RocksDB db() {
        return db;
    }

    void put(byte[] key, byte[] value) throws RocksDBException {
        db.put(writeOptions, key, value);
    }

    void delete(byte[] key) throws RocksDBException {
        db.delete(writeOptions, key);
    }

    @Override
    public void close() {
        writeOptions.close();
        db.close();
        options.close();
        filter.close();
        cache.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to delete " + dir, e);
        }
    }
}
