package io.retryladder.bench;

/**
 * The broker's ceiling: how fast a plain transactional consumer-producer copies records of the
 * product's tier-record size from one topic to another on this broker.
 *
 * @param recordBytes the value size, plus the pipeline headers the product writes with it
 * @param seconds from the first record read to the commit of the last
 * @param cpuSeconds CPU time of the copier process, start-up included
 */
public record CeilingResult(
        int records,
        int recordBytes,
        int threads,
        double seconds,
        double recordsPerSecond,
        double cpuSeconds,
        double peakRssMb,
        String verdict) {}
