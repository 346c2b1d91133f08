package io.retryladder.deploy;

import java.util.Optional;

/** Problems with the name of one worker setting, wherever the setting is written. */
final class SettingProblems {

    private static final String KNOWN_SETTING = "a worker setting, a retry.secret.<reference>, or a Kafka Streams,"
            + " producer, consumer or admin client setting";

    private SettingProblems() {}

    /**
     * Adds a problem when the worker does not use {@code setting} or overwrites it.
     *
     * @param key where the setting is written in {@code file}
     * @param variable the environment variable that sets it, or null when the setting is written by name
     */
    static void checkName(Problems problems, String file, String key, String setting, String variable) {
        String found = variable == null ? "'" + setting + "'" : "'" + setting + "' (what " + variable + " sets)";
        if (!WorkerSettings.isKnown(setting)) {
            Optional<String> closest = WorkerSettings.closestName(setting);
            String fix = closest.map(name -> "did you mean " + name
                            + (variable == null ? "" : " (" + WorkerSettings.variable(name) + ")")
                            + "? Rename it, or remove it")
                    .orElse("use a name from the README's worker settings table, or remove it");
            problems.add(file, key, KNOWN_SETTING, found + ", which is none of them", fix);
        }
        WorkerSettings.overwrittenFix(setting)
                .ifPresent(fix -> problems.add(
                        file, key, "a setting that the worker does not set itself", found + ", which it rejects", fix));
    }
}
