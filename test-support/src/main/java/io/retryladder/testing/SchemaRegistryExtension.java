package io.retryladder.testing;

import io.retryladder.local.ApicurioRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests a {@link SchemaRegistry} parameter: the registry named by the environment variable
 * {@value #URL_VARIABLE}, or else an Apicurio Registry started from the distribution that the build
 * unpacked into the directory named by the system property {@value #DISTRIBUTION_PROPERTY}. One
 * registry serves every test of the JVM and stops when the test run ends.
 */
public final class SchemaRegistryExtension implements ParameterResolver {

    public static final String URL_VARIABLE = "RETRY_LADDER_TEST_REGISTRY_URL";
    public static final String DISTRIBUTION_PROPERTY = "apicurio.distribution";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(SchemaRegistryExtension.class);

    /** The registry's Confluent-compatible API root. */
    public record SchemaRegistry(String url) {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SchemaRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedRegistry.class, key -> start(), SharedRegistry.class)
                .registry;
    }

    private static SharedRegistry start() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new SharedRegistry(new SchemaRegistry(url), null);
        }
        String distribution = System.getProperty(DISTRIBUTION_PROPERTY);
        if (distribution == null || distribution.isBlank()) {
            throw new IllegalStateException("No schema registry for this test: set " + URL_VARIABLE
                    + " or run it through Maven, which unpacks Apicurio Registry and sets -D" + DISTRIBUTION_PROPERTY);
        }
        ApicurioRegistry apicurio = ApicurioRegistry.start(Path.of(distribution), Duration.ofSeconds(120));
        return new SharedRegistry(new SchemaRegistry(apicurio.confluentApiUrl()), apicurio);
    }

    static final class SharedRegistry implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final SchemaRegistry registry;
        private final ApicurioRegistry process;

        SharedRegistry(SchemaRegistry registry, ApicurioRegistry process) {
            this.registry = registry;
            this.process = process;
        }

        @Override
        public void close() {
            if (process != null) {
                process.close();
            }
        }
    }
}
