package io.retryladder.local;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Objects;

/**
 * A certificate authority for tests and local runs, created at run time so that no private key is
 * ever stored in the repository. It issues EC P-256 certificates valid for two days, for
 * {@code localhost} and {@code 127.0.0.1}, and writes them to PKCS12 key stores with random
 * passwords in a directory the caller owns.
 *
 * <p>The certificates are built with the JDK alone: the DER structures of RFC 5280 are written here
 * and signed with {@code SHA256withECDSA}.
 */
public final class LocalCertificateAuthority {

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    private static final String COMMON_NAME = "2.5.4.3";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String SUBJECT_ALTERNATIVE_NAME = "2.5.29.17";
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final SecureRandom random = new SecureRandom();
    private final KeyPair caKeys;
    private final X509Certificate caCertificate;
    private final String caName;

    private LocalCertificateAuthority(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
        this.caKeys = newKeyPair();
        this.caCertificate = certificate(caName, caName, caKeys.getPublic().getEncoded(), caKeys.getPrivate(), true);
    }

    /**
     * Creates an authority whose files go to {@code dir}, which is created when missing.
     *
     * @param caName the common name of the authority's certificate, for example "Retry Ladder test CA"
     */
    public static LocalCertificateAuthority create(Path dir, String caName) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(caName, "caName");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to create the certificate directory " + dir, e);
        }
        return new LocalCertificateAuthority(dir, caName);
    }

    /**
     * Issues a certificate with the subject {@code CN=<commonName>} and writes it, its private key and
     * the authority's certificate to {@code <commonName>.p12}. Kafka maps a client presenting it over
     * mutual TLS to the principal {@code User:CN=<commonName>} unless ssl.principal.mapping.rules map
     * it to another name.
     */
    public KeyStoreFile issue(String commonName) {
        KeyPair keys = newKeyPair();
        X509Certificate certificate =
                certificate(commonName, caName, keys.getPublic().getEncoded(), caKeys.getPrivate(), false);
        String password = newPassword();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    commonName, keys.getPrivate(), password.toCharArray(), new Certificate[] {certificate, caCertificate
                    });
            return write(store, fileName(commonName), password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Failed to write the key store of " + commonName, e);
        }
    }

    /** Writes a trust store that holds only the authority's certificate, to {@code truststore.p12}. */
    public KeyStoreFile truststore() {
        String password = newPassword();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", caCertificate);
            return write(store, "truststore.p12", password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Failed to write the trust store of " + caName, e);
        }
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    private KeyStoreFile write(KeyStore store, String fileName, String password)
            throws GeneralSecurityException, IOException {
        Path path = dir.resolve(fileName);
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, password.toCharArray());
        }
        return new KeyStoreFile(path, password);
    }

    private X509Certificate certificate(
            String subject, String issuer, byte[] subjectPublicKeyInfo, PrivateKey signer, boolean authority) {
        Instant now = Instant.now();
        byte[] extensions = authority
                ? Der.sequence(extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))))
                : Der.sequence(extension(
                        SUBJECT_ALTERNATIVE_NAME,
                        false,
                        Der.sequence(
                                Der.tagged(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)),
                                Der.tagged(0x87, new byte[] {127, 0, 0, 1}))));
        byte[] signatureAlgorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
        byte[] tbs = Der.sequence(
                Der.tagged(0xA0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(63, random).add(BigInteger.ONE)),
                signatureAlgorithm,
                name(issuer),
                Der.sequence(utcTime(now.minus(Duration.ofHours(1))), utcTime(now.plus(VALIDITY))),
                name(subject),
                subjectPublicKeyInfo,
                Der.tagged(0xA3, extensions));
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initSign(signer);
            signature.update(tbs);
            byte[] der = Der.sequence(tbs, signatureAlgorithm, Der.bitString(signature.sign()));
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Failed to sign the certificate of " + subject, e);
        }
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8(commonName))));
    }

    private static byte[] utcTime(Instant instant) {
        return Der.tagged(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot generate EC P-256 keys", e);
        }
    }

    /** Returns a random password of letters, digits, '-' and '_', safe inside JAAS and SCRAM settings. */
    String newPassword() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String fileName(String commonName) {
        return commonName.replaceAll("[^A-Za-z0-9._-]", "_") + ".p12";
    }

    /**
     * A PKCS12 key store on disk and its password, which is also the password of its private key.
     *
     * <p>{@link #toString()} leaves the password out.
     */
    public record KeyStoreFile(Path path, String password) {

        public static final String TYPE = "PKCS12";

        @Override
        public String toString() {
            return "KeyStoreFile[" + path + "]";
        }
    }

    /** The few DER encodings (ITU-T X.690) a certificate needs. */
    private static final class Der {

        private Der() {}

        static byte[] sequence(byte[]... parts) {
            return tagged(0x30, concat(parts));
        }

        static byte[] set(byte[]... parts) {
            return tagged(0x31, concat(parts));
        }

        static byte[] integer(BigInteger value) {
            return tagged(0x02, value.toByteArray());
        }

        static byte[] bool(boolean value) {
            return tagged(0x01, new byte[] {value ? (byte) 0xFF : 0});
        }

        static byte[] utf8(String text) {
            return tagged(0x0C, text.getBytes(StandardCharsets.UTF_8));
        }

        static byte[] octetString(byte[] content) {
            return tagged(0x04, content);
        }

        static byte[] bitString(byte[] content) {
            byte[] withUnusedBits = new byte[content.length + 1];
            System.arraycopy(content, 0, withUnusedBits, 1, content.length);
            return tagged(0x03, withUnusedBits);
        }

        static byte[] oid(String dotted) {
            String[] arcs = dotted.split("\\.");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(Integer.parseInt(arcs[0]) * 40 + Integer.parseInt(arcs[1]));
            for (int i = 2; i < arcs.length; i++) {
                long arc = Long.parseLong(arcs[i]);
                int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
                for (int group = groups - 1; group >= 0; group--) {
                    int bits = (int) ((arc >>> (7 * group)) & 0x7F);
                    out.write(group > 0 ? bits | 0x80 : bits);
                }
            }
            return tagged(0x06, out.toByteArray());
        }

        /** Returns one element: the tag byte, the length in definite form and the content. */
        static byte[] tagged(int tag, byte[] content) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            int length = content.length;
            if (length < 0x80) {
                out.write(length);
            } else {
                int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
                out.write(0x80 | bytes);
                for (int i = bytes - 1; i >= 0; i--) {
                    out.write(length >>> (8 * i));
                }
            }
            out.writeBytes(content);
            return out.toByteArray();
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] part : parts) {
                out.writeBytes(part);
            }
            return out.toByteArray();
        }
    }
}
