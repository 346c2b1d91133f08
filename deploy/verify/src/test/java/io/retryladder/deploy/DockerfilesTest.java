package io.retryladder.deploy;

import org.junit.jupiter.api.Test;

class DockerfilesTest {

    private final DockerfileChecks dockerfiles = new DockerfileChecks(RepositoryFiles.fromRepository());

    @Test
    void workerImageRunsShadedJarAsNonRoot() {
        dockerfiles.workerImage().assertNone();
    }

    @Test
    void workerImageExposesHttpPort() {
        dockerfiles.workerExpose().assertNone();
    }

    @Test
    void workerStateDirectoryIsWritable() {
        dockerfiles.workerStateDirectory().assertNone();
    }

    @Test
    void downstreamImageRunsDownstreamMain() {
        dockerfiles.downstreamImage().assertNone();
    }

    @Test
    void buildContextsContainJars() {
        dockerfiles.buildContexts().assertNone();
    }
}
