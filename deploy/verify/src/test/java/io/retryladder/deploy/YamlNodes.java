package io.retryladder.deploy;

import java.util.List;
import java.util.Map;

/** Navigation in parsed YAML, where a missing or mistyped node reads as empty. */
final class YamlNodes {

    private YamlNodes() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node instanceof List<?> list ? (List<Object>) list : List.of();
    }

    /** Returns the node at {@code path} below {@code node}, or null when a step is missing. */
    static Object get(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(step);
        }
        return current;
    }

    /** Returns a scalar as text (YAML reads 1 as a number and true as a boolean), or null. */
    static String text(Object node) {
        return node == null || node instanceof Map<?, ?> || node instanceof List<?> ? null : node.toString();
    }
}
