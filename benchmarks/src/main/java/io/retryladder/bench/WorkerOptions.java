package io.retryladder.bench;

import java.util.Map;

/**
 * The settings with which the harness runs the product's worker.
 *
 * @param heapMb the worker JVM's -Xmx, in MiB
 * @param streamThreads num.stream.threads
 * @param maxInFlight retry.max.in.flight
 * @param targetConcurrency retry.target.max.concurrency
 * @param extraSettings further worker settings, which win over the harness's
 * @param flightRecording whether the worker JVM writes a Java Flight Recorder profile to its trial directory
 */
public record WorkerOptions(
        int heapMb,
        int streamThreads,
        int maxInFlight,
        int targetConcurrency,
        Map<String, String> extraSettings,
        boolean flightRecording) {}
