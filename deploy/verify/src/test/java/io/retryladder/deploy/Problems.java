package io.retryladder.deploy;

import java.util.ArrayList;
import java.util.List;

/** What a check found wrong, each problem naming the file, the key, the expectation and the fix. */
final class Problems {

    private final List<String> found = new ArrayList<>();

    /**
     * Records a problem.
     *
     * @param file path from the repository root
     * @param key where in the file, as a dotted path or a setting name
     * @param expected what the check requires
     * @param actual what the file has
     * @param fix what to change
     */
    Problems add(String file, String key, String expected, String actual, String fix) {
        found.add(file + ": " + key + ": expected " + expected + ", found " + actual + ". Fix: " + fix);
        return this;
    }

    List<String> list() {
        return List.copyOf(found);
    }

    /** Throws an AssertionError that lists every problem when there is at least one. */
    void assertNone() {
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " problem(s):\n  - " + String.join("\n  - ", found));
        }
    }

    @Override
    public String toString() {
        return found.isEmpty() ? "no problems" : String.join("\n", found);
    }
}
