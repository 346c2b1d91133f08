package io.retryladder.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one run measured, as written to results.json.
 *
 * @param label {@code smoke} for short runs whose numbers only show that the harness works, else {@code full}
 * @param status {@code complete}, {@code running} while trials remain, or why the run stopped early
 * @param settings the options the run was started with
 * @param systems how each system under test was set up
 * @param retriesPerOperation downstream calls per published operation that the workload implies
 */
public record RunReport(
        String label,
        String startedAt,
        String status,
        MachineInfo machine,
        String loadAverageAtEnd,
        Map<String, Object> settings,
        Map<String, List<String>> systems,
        double retriesPerOperation,
        List<CapacityResult> capacity,
        List<TrialResult> burst,
        CeilingResult ceiling,
        List<TargetCheck> targets) {}
