package io.retryladder.local;

import java.util.List;
import java.util.Map;

/**
 * How the broker's client listener authenticates and encrypts connections. The controller
 * listener stays on plaintext loopback.
 */
public interface ListenerSecurity {

    /** Returns the listener name, which is also used as the inter-broker listener. */
    String listenerName();

    /** Returns the listener's security protocol, for example {@code SASL_SSL}. */
    String protocol();

    /** Returns broker settings that configure the listener. */
    Map<String, String> brokerProperties();

    /** Returns arguments for {@code kafka-storage format}, for example SCRAM credentials. */
    List<String> formatArguments();

    /** Returns client settings of a principal that may administer the broker. */
    Map<String, Object> clientProperties();

    /** Returns an unauthenticated, unencrypted listener. */
    static ListenerSecurity plaintext() {
        return new ListenerSecurity() {
            @Override
            public String listenerName() {
                return "PLAINTEXT";
            }

            @Override
            public String protocol() {
                return "PLAINTEXT";
            }

            @Override
            public Map<String, String> brokerProperties() {
                return Map.of();
            }

            @Override
            public List<String> formatArguments() {
                return List.of();
            }

            @Override
            public Map<String, Object> clientProperties() {
                return Map.of();
            }
        };
    }
}
