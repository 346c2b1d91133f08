package io.retryladder.deploy;

import org.junit.jupiter.api.Test;

class ComposeFileTest {

    private final ComposeChecks compose = new ComposeChecks(RepositoryFiles.fromRepository());

    @Test
    void imagesMatchBuildVersions() {
        compose.images().assertNone();
    }

    @Test
    void kafkaRunsAsSingleKraftNode() {
        compose.kraftSingleNode().assertNone();
    }

    @Test
    void twoWorkerReplicas() {
        compose.workerReplicas().assertNone();
    }

    @Test
    void workerVariablesNameKnownSettings() {
        compose.workerSettingsKnown().assertNone();
    }

    @Test
    void workerSettingsReachOtherServices() {
        compose.workerWiring().assertNone();
    }

    @Test
    void workerPortHealthcheckAndShutdown() {
        compose.workerService().assertNone();
    }

    @Test
    void downstreamListensWherePublished() {
        compose.downstream().assertNone();
    }

    @Test
    void everyServiceHasHealthcheck() {
        compose.healthchecks().assertNone();
    }
}
