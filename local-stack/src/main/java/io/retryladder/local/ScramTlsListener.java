package io.retryladder.local;

import io.retryladder.local.LocalCertificateAuthority.KeyStoreFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A client listener that takes SASL over TLS ({@code SASL_SSL}): SCRAM-SHA-512 for every user, and
 * SASL/PLAIN as well for users added with {@link Builder#plainUser}. SCRAM credentials are written
 * at format time, so they exist before the broker accepts its first client.
 *
 * <p>The broker's certificate comes from a {@link LocalCertificateAuthority} and names
 * {@code localhost} and {@code 127.0.0.1}, so clients keep hostname verification on. The controller
 * listener uses mutual TLS with the broker's own certificate, so the broker reaches its controller as
 * {@code User:CN=broker} and no unauthenticated principal needs any right.
 *
 * <p>With {@link Builder#authorizer()} the broker authorizes every request with Kafka's
 * {@code StandardAuthorizer}: the admin user and the broker are super users, and everyone else may do
 * only what an ACL allows.
 */
public final class ScramTlsListener implements ListenerSecurity {

    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String LISTENER = "SASL_SSL";
    /** The principal of the broker on its controller listener. */
    public static final String BROKER_PRINCIPAL = "User:CN=broker";

    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String PREFIX = "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";

    private final String admin;
    private final Map<String, String> scramPasswords;
    private final Map<String, String> plainPasswords;
    private final KeyStoreFile brokerKeyStore;
    private final KeyStoreFile truststore;
    private final Map<String, KeyStoreFile> clientKeyStores = new LinkedHashMap<>();
    private final boolean authorizer;

    private ScramTlsListener(Builder builder) {
        this.admin = builder.admin;
        this.scramPasswords = Map.copyOf(builder.scramPasswords);
        this.plainPasswords = Map.copyOf(builder.plainPasswords);
        this.brokerKeyStore = builder.authority.issue("broker");
        this.truststore = builder.authority.truststore();
        this.authorizer = builder.authorizer;
        if (builder.clientCertificates) {
            for (String user : scramPasswords.keySet()) {
                clientKeyStores.put(user, builder.authority.issue(user));
            }
            for (String user : plainPasswords.keySet()) {
                clientKeyStores.put(user, builder.authority.issue(user));
            }
        }
    }

    /** Starts a listener whose certificates {@code authority} issues; the admin user is called {@code admin}. */
    public static Builder builder(LocalCertificateAuthority authority) {
        return new Builder(authority);
    }

    @Override
    public String listenerName() {
        return LISTENER;
    }

    @Override
    public String protocol() {
        return "SASL_SSL";
    }

    @Override
    public Map<String, String> brokerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:SSL");
        props.put("sasl.enabled.mechanisms", plainPasswords.isEmpty() ? MECHANISM : MECHANISM + ",PLAIN");
        props.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        props.put(PREFIX + "scram-sha-512.sasl.jaas.config", jaas(SCRAM_MODULE, admin, scramPasswords.get(admin)));
        if (!plainPasswords.isEmpty()) {
            props.put(PREFIX + "plain.sasl.jaas.config", plainServerJaas());
        }

        props.putAll(storeSettings("", brokerKeyStore));
        props.putAll(trustStoreSettings(""));
        props.putAll(storeSettings("listener.name.controller.", brokerKeyStore));
        props.putAll(trustStoreSettings("listener.name.controller."));
        props.put("listener.name.controller.ssl.client.auth", "required");
        if (!clientKeyStores.isEmpty()) {
            props.put(PREFIX + "ssl.client.auth", "requested");
        }

        if (authorizer) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("allow.everyone.if.no.acl.found", "false");
            props.put("super.users", "User:" + admin + ";" + BROKER_PRINCIPAL);
        }
        return props;
    }

    /** Returns the broker's PLAIN login: the admin's own credentials and a {@code user_<name>} entry per user. */
    private String plainServerJaas() {
        String adminPassword = scramPasswords.get(admin);
        StringBuilder jaas = new StringBuilder(PLAIN_MODULE + " required");
        jaas.append(" username=\"")
                .append(admin)
                .append("\" password=\"")
                .append(adminPassword)
                .append('"');
        jaas.append(" user_").append(admin).append("=\"").append(adminPassword).append('"');
        plainPasswords.forEach((user, password) -> jaas.append(" user_")
                .append(user)
                .append("=\"")
                .append(password)
                .append('"'));
        return jaas.append(';').toString();
    }

    @Override
    public List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        scramPasswords.forEach((user, password) -> {
            args.add("--add-scram");
            args.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
        });
        return args;
    }

    /** Returns the admin user's client settings: SCRAM-SHA-512 over TLS. */
    @Override
    public Map<String, Object> clientProperties() {
        return clientProperties(admin);
    }

    /** Returns the client settings of a SCRAM user: SASL_SSL, the mechanism, its JAAS line and the trust store. */
    public Map<String, Object> clientProperties(String user) {
        String password = scramPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException(
                    "No SCRAM user '" + user + "' on this listener; add it with ScramTlsListener.Builder.user");
        }
        Map<String, Object> props = new LinkedHashMap<>(trustSettings());
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", MECHANISM);
        props.put("sasl.jaas.config", jaas(SCRAM_MODULE, user, password));
        return props;
    }

    /** Returns the client settings of a SASL/PLAIN user. */
    public Map<String, Object> plainClientProperties(String user) {
        String password = plainPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException(
                    "No PLAIN user '" + user + "' on this listener; add it with ScramTlsListener.Builder.plainUser");
        }
        Map<String, Object> props = new LinkedHashMap<>(trustSettings());
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", jaas(PLAIN_MODULE, user, password));
        return props;
    }

    /** Returns the settings that make a client trust the broker's certificate, and nothing else. */
    public Map<String, Object> trustSettings() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("ssl.truststore.location", truststore.path().toString());
        props.put("ssl.truststore.password", truststore.password());
        props.put("ssl.truststore.type", KeyStoreFile.TYPE);
        return props;
    }

    /**
     * Returns the settings with which a client presents the certificate issued to {@code user}, for
     * mutual TLS; the broker checks the certificate, and SASL still names the principal.
     */
    public Map<String, Object> keyStoreSettings(String user) {
        KeyStoreFile keyStore = clientKeyStores.get(user);
        if (keyStore == null) {
            throw new IllegalArgumentException("No client certificate for '" + user
                    + "' on this listener; build it with ScramTlsListener.Builder.clientCertificates");
        }
        return new LinkedHashMap<String, Object>(storeSettings("", keyStore));
    }

    /** Returns the password of a SCRAM or PLAIN user, so that tests can search output for it. */
    public String password(String user) {
        String password = scramPasswords.containsKey(user) ? scramPasswords.get(user) : plainPasswords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("No user '" + user + "' on this listener");
        }
        return password;
    }

    public String admin() {
        return admin;
    }

    private static Map<String, String> storeSettings(String prefix, KeyStoreFile keyStore) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(prefix + "ssl.keystore.location", keyStore.path().toString());
        props.put(prefix + "ssl.keystore.password", keyStore.password());
        props.put(prefix + "ssl.key.password", keyStore.password());
        props.put(prefix + "ssl.keystore.type", KeyStoreFile.TYPE);
        return props;
    }

    private Map<String, String> trustStoreSettings(String prefix) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(prefix + "ssl.truststore.location", truststore.path().toString());
        props.put(prefix + "ssl.truststore.password", truststore.password());
        props.put(prefix + "ssl.truststore.type", KeyStoreFile.TYPE);
        return props;
    }

    private static String jaas(String module, String user, String password) {
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** Users and options of a {@link ScramTlsListener}. */
    public static final class Builder {
        private final LocalCertificateAuthority authority;
        private final Map<String, String> scramPasswords = new LinkedHashMap<>();
        private final Map<String, String> plainPasswords = new LinkedHashMap<>();
        private String admin = "admin";
        private boolean authorizer;
        private boolean clientCertificates;

        private Builder(LocalCertificateAuthority authority) {
            this.authority = Objects.requireNonNull(authority, "authority");
        }

        /** Names the super user that the broker uses between its own listeners; default {@code admin}. */
        public Builder admin(String name) {
            this.admin = checkName(name);
            return this;
        }

        /** Adds a SCRAM-SHA-512 user with a random password. */
        public Builder user(String name) {
            scramPasswords.put(checkName(name), authority.newPassword());
            return this;
        }

        /** Adds a SASL/PLAIN user with a random password; PLAIN is enabled once one exists. */
        public Builder plainUser(String name) {
            plainPasswords.put(checkName(name), authority.newPassword());
            return this;
        }

        /** Authorizes requests with StandardAuthorizer and ACLs; only the admin and the broker are super users. */
        public Builder authorizer() {
            this.authorizer = true;
            return this;
        }

        /**
         * Issues a client certificate to every user and asks clients for one (ssl.client.auth=requested):
         * a client that presents a certificate must present one the authority issued.
         */
        public Builder clientCertificates() {
            this.clientCertificates = true;
            return this;
        }

        public ScramTlsListener build() {
            scramPasswords.putIfAbsent(admin, authority.newPassword());
            return new ScramTlsListener(this);
        }

        private static String checkName(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "A user name may contain only letters, digits, '.', '_' and '-', got '" + name + "'");
            }
            return name;
        }
    }
}
