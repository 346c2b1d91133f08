package io.retryladder.deploy;

import java.util.LinkedHashMap;
import java.util.Map;

/** Checks of the example deploy/worker.properties. */
final class WorkerPropertiesChecks {

    static final String FILE = RepositoryFiles.WORKER_PROPERTIES;

    private final Map<String, String> settings;

    WorkerPropertiesChecks(RepositoryFiles files) {
        this.settings = RepositoryFiles.properties(files.text(FILE));
    }

    /** Checks that every setting in the example is one the worker uses. */
    Problems settingNames() {
        Problems problems = new Problems();
        settings.keySet().forEach(name -> SettingProblems.checkName(problems, FILE, name, name, null));
        return problems;
    }

    /** Checks that the example parses into a valid RetryWorkerConfig, as RetryWorkerMain --config reads it. */
    Problems settingsValid() {
        Problems problems = new Problems();
        WorkerSettings.validationError(new LinkedHashMap<>(settings))
                .ifPresent(invalid -> problems.add(
                        FILE,
                        invalid.setting().orElse("settings"),
                        "settings that RetryWorkerConfig accepts",
                        "'" + invalid.message() + "'",
                        "correct " + invalid.setting().orElse("the setting") + " as the message says"));
        return problems;
    }
}
