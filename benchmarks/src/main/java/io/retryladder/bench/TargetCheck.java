package io.retryladder.bench;

/**
 * One target the numbers are held to and whether this run met it.
 *
 * @param status {@code met}, {@code missed} or {@code not measured}
 * @param detail the measured figures and, for a miss, by how much
 */
public record TargetCheck(String target, String status, String detail) {}
