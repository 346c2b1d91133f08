package io.retryladder.deploy;

import org.junit.jupiter.api.Test;

class WorkerPropertiesTest {

    private final WorkerPropertiesChecks example = new WorkerPropertiesChecks(RepositoryFiles.fromRepository());

    @Test
    void exampleNamesKnownSettings() {
        example.settingNames().assertNone();
    }

    @Test
    void exampleParsesIntoValidConfig() {
        example.settingsValid().assertNone();
    }
}
