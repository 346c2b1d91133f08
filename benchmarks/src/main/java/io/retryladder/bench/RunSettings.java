package io.retryladder.bench;

import java.time.Duration;

/**
 * The harness's settings for one run; {@link BenchMain} documents each as an option.
 *
 * @param stepDuration how long each capacity step publishes
 * @param startRate the first capacity step's rate, in operations per second
 * @param rateFactor the factor between consecutive capacity steps until one fails
 * @param maxRate the highest rate tried, in operations per second
 * @param refineSteps steps that bisect between the last held and the first failed rate
 * @param failureStatus the HTTP status of failed attempts after the first
 * @param warmUpSeconds seconds of warm-up operations sent through each system before a trial's measurement
 * @param warmUpMaxRate the highest rate of warm-up operations, in operations per second
 */
public record RunSettings(
        Duration stepDuration,
        double startRate,
        double rateFactor,
        double maxRate,
        int refineSteps,
        int burstSize,
        int payloadBytes,
        int partitions,
        Criteria criteria,
        int failureStatus,
        int warmUpSeconds,
        double warmUpMaxRate,
        int brokerHeapMb,
        int ceilingRecords,
        int ceilingThreads,
        int copierHeapMb) {}
