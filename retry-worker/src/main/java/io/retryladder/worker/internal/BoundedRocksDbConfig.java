package io.retryladder.worker.internal;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the worker process: one block cache and one
 * write buffer manager, shared by all stores, sized by {@value #MEMORY_SETTING}. Without it each
 * store takes its own memtables and cache, so memory grows with the number of tasks.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

    /** Settings key under which the worker passes the memory budget in megabytes to Kafka Streams. */
    public static final String MEMORY_SETTING = "retry.worker.internal.rocksdb.memory.mb";

    private static final double INDEX_FILTER_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 8L * 1024 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object megabytes = configs.get(MEMORY_SETTING);
        long totalBytes = (megabytes == null ? 64L : Long.parseLong(megabytes.toString())) * 1024 * 1024;
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(sharedCache(totalBytes));
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(sharedWriteBufferManager(totalBytes));
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store of the process, so they stay open.
    }

    private static synchronized Cache sharedCache(long totalBytes) {
        if (cache == null) {
            cache = new LRUCache(totalBytes, -1, false, INDEX_FILTER_SHARE);
        }
        return cache;
    }

    private static synchronized WriteBufferManager sharedWriteBufferManager(long totalBytes) {
        if (writeBufferManager == null) {
            writeBufferManager = new WriteBufferManager(totalBytes / 2, sharedCache(totalBytes));
        }
        return writeBufferManager;
    }
}
