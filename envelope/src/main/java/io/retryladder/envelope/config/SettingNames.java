package io.retryladder.envelope.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Suggests a known setting name for a misspelt one. */
public final class SettingNames {

    private SettingNames() {}

    /**
     * Returns the candidate nearest to {@code name} in edit distance, or empty when none is within
     * two edits or a fifth of the name's length, whichever is more. Ties go to the first name in
     * alphabetical order.
     */
    public static Optional<String> closest(String name, Collection<String> candidates) {
        int limit = Math.max(2, name.length() / 5);
        return candidates.stream()
                .filter(candidate -> distance(name, candidate) <= limit)
                .min(Comparator.comparingInt((String candidate) -> distance(name, candidate))
                        .thenComparing(Comparator.naturalOrder()));
    }

    /** Returns the Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
