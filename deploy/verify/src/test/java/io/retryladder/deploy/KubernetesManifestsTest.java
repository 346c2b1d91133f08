package io.retryladder.deploy;

import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {

    private final KubernetesChecks kubernetes = new KubernetesChecks(RepositoryFiles.fromRepository());

    @Test
    void kustomizationListsEveryManifest() {
        kubernetes.kustomization().assertNone();
    }

    @Test
    void containerPortIsHttpPort() {
        kubernetes.containerPort().assertNone();
    }

    @Test
    void probesUseHealthServerPaths() {
        kubernetes.probes().assertNone();
    }

    @Test
    void gracePeriodCoversShutdown() {
        kubernetes.terminationGracePeriod().assertNone();
    }

    @Test
    void resourcesSetRequestsAndLimit() {
        kubernetes.resources().assertNone();
    }

    @Test
    void stateAndTmpVolumesAreWritable() {
        kubernetes.volumes().assertNone();
    }

    @Test
    void configFileMountedFromConfigMap() {
        kubernetes.configFile().assertNone();
    }

    @Test
    void settingNamesAreKnown() {
        kubernetes.settingNames().assertNone();
    }

    @Test
    void secretsComeFromSecret() {
        kubernetes.secrets().assertNone();
    }

    @Test
    void settingsAreValid() {
        kubernetes.settingsValid().assertNone();
    }

    @Test
    void serviceTargetsHttpPort() {
        kubernetes.service().assertNone();
    }

    @Test
    void disruptionBudgetLetsOnePodGo() {
        kubernetes.podDisruptionBudget().assertNone();
    }
}
