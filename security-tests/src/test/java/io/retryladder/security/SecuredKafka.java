package io.retryladder.security;

import io.retryladder.local.LocalCertificateAuthority;
import io.retryladder.local.LocalKafka;
import io.retryladder.local.ScramTlsListener;
import io.retryladder.testing.TempDirectories;
import io.retryladder.testing.Topics;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker for every security test of the JVM: SASL/SCRAM-SHA-512 over TLS on its client
 * listener, SASL/PLAIN for one more user, client certificates for every user (requested, not
 * required), mutual TLS on its controller listener, and ACLs checked by
 * StandardAuthorizer with only the admin and the broker as super users. The certificate
 * authority, key stores and passwords are made when the broker starts and live in a temporary
 * directory.
 */
final class SecuredKafka implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    static final String WORKER = "worker";
    static final String PUBLISHER = "publisher";
    static final String OPERATOR = "operator";
    static final String STRANGER = "stranger";
    static final String PLAIN_PUBLISHER = "plain-publisher";

    final Path dir;
    final ScramTlsListener listener;
    private final LocalKafka kafka;
    private final Admin admin;

    private SecuredKafka(Path dir, ScramTlsListener listener, LocalKafka kafka) {
        this.dir = dir;
        this.listener = listener;
        this.kafka = kafka;
        this.admin = Admin.create(kafka.clientProperties());
    }

    static SecuredKafka start() {
        Path dir = TempDirectories.create("secured-kafka-");
        LocalCertificateAuthority authority =
                LocalCertificateAuthority.create(dir.resolve("certificates"), "Retry Ladder test CA");
        ScramTlsListener listener = ScramTlsListener.builder(authority)
                .user(WORKER)
                .user(PUBLISHER)
                .user(OPERATOR)
                .user(STRANGER)
                .plainUser(PLAIN_PUBLISHER)
                .clientCertificates()
                .authorizer()
                .build();
        LocalKafka kafka = LocalKafka.builder()
                .dataDir(dir.resolve("broker"))
                .security(listener)
                .build();
        kafka.start();
        return new SecuredKafka(dir, listener, kafka);
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Returns the admin's client settings, bootstrap servers included. */
    Map<String, Object> adminProperties() {
        return kafka.clientProperties();
    }

    /** Returns the client settings of a SCRAM user, bootstrap servers included. */
    Map<String, Object> clientProperties(String user) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(listener.clientProperties(user));
        return props;
    }

    Admin admin() {
        return admin;
    }

    void createTopic(String name, int partitions, Map<String, String> configs) {
        Topics.create(admin, name, partitions, configs);
    }

    void grant(Collection<AclBinding> acls) {
        call(() -> admin.createAcls(acls).all().get(30, TimeUnit.SECONDS));
    }

    void revoke(Collection<AclBinding> acls) {
        call(() -> admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList())
                .all()
                .get(30, TimeUnit.SECONDS));
    }

    /** Returns every ACL on the broker. */
    Collection<AclBinding> acls() {
        return call(() -> admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
    }

    @Override
    public void close() {
        admin.close();
        kafka.close();
        TempDirectories.delete(dir);
    }

    private interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException, TimeoutException;
    }

    private static <T> T call(AdminCall<T> call) {
        try {
            return call.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling the secured broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("An admin call to the secured broker failed: " + e, e);
        }
    }
}
