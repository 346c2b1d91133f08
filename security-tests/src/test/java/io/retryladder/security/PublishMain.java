package io.retryladder.security;

import io.retryladder.envelope.config.SettingsSources;
import io.retryladder.producer.Failure;
import io.retryladder.producer.Operation;
import io.retryladder.producer.RetryPublisher;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service that publishes failed calls, as an application embedding the producer would: it reads
 * its settings from a properties file and from variables starting with {@value #ENVIRONMENT_PREFIX},
 * and the token it calls with from {@value #TOKEN_VARIABLE}.
 *
 * <p>Arguments: {@code SETTINGS_FILE BASE_URL KEY...}; each key is published as a POST to
 * {@code BASE_URL/KEY} with an Authorization and a Cookie header.
 */
public final class PublishMain {

    static final String ENVIRONMENT_PREFIX = "RETRY_PUBLISHER_";
    static final String TOKEN_VARIABLE = "PUBLISH_TOKEN";
    static final String COOKIE_VARIABLE = "PUBLISH_COOKIE";

    private PublishMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, Object> settings = SettingsSources.load(Path.of(args[0]), System.getenv(), ENVIRONMENT_PREFIX);
        try (RetryPublisher publisher = RetryPublisher.create(settings)) {
            for (int i = 2; i < args.length; i++) {
                Operation operation = Operation.http("POST", args[1] + "/" + args[i])
                        .idempotencyKey(args[i])
                        .header("Authorization", System.getenv(TOKEN_VARIABLE))
                        .header("Cookie", System.getenv(COOKIE_VARIABLE))
                        .build();
                publisher.publish(operation, Failure.httpStatus(503, "", null)).get(60, TimeUnit.SECONDS);
                System.out.println("Published " + args[i]);
            }
        }
        System.exit(0);
    }
}
