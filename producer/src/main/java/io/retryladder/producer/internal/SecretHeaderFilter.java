package io.retryladder.producer.internal;

import io.retryladder.envelope.avro.CallerHeader;
import io.retryladder.envelope.avro.HttpHeader;
import io.retryladder.producer.Operation.NamedValue;
import io.retryladder.producer.RetryPublisherConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;

/**
 * Keeps secret header values out of Kafka. A secret HTTP header with a configured reference travels
 * as that reference, without its value; any other secret header, HTTP or caller, is dropped.
 */
public final class SecretHeaderFilter {

    private final Set<String> secretNames;
    private final Map<String, String> referencesByName;

    public SecretHeaderFilter(List<String> secretHeaders, List<String> references) {
        this.secretNames =
                secretHeaders.stream().map(SecretHeaderFilter::normalize).collect(Collectors.toSet());
        this.referencesByName = new HashMap<>();
        for (String entry : references) {
            int equals = entry.indexOf('=');
            if (equals <= 0 || equals == entry.length() - 1) {
                throw new ConfigException(
                        RetryPublisherConfig.SECRET_HEADER_REFERENCES,
                        references,
                        "'" + entry + "' is not of the form Header=reference");
            }
            String name = normalize(entry.substring(0, equals));
            String reference = entry.substring(equals + 1).strip();
            if (!reference.matches("[A-Za-z0-9._-]+")) {
                throw new ConfigException(
                        RetryPublisherConfig.SECRET_HEADER_REFERENCES,
                        references,
                        "reference '" + reference + "' may use only letters, digits, '.', '_' and '-'");
            }
            if (!secretNames.contains(name)) {
                throw new ConfigException(
                        RetryPublisherConfig.SECRET_HEADER_REFERENCES,
                        references,
                        "header '"
                                + entry.substring(0, equals) + "' has a reference but is not listed in "
                                + RetryPublisherConfig.SECRET_HEADERS);
            }
            referencesByName.put(name, reference);
        }
    }

    /** Returns the HTTP headers to write: secret values removed or replaced by references. */
    public List<HttpHeader> httpHeaders(List<NamedValue<String>> headers) {
        List<HttpHeader> kept = new ArrayList<>();
        for (NamedValue<String> header : headers) {
            String name = normalize(header.name());
            if (!secretNames.contains(name)) {
                kept.add(new HttpHeader(header.name(), header.value(), null));
            } else if (referencesByName.containsKey(name)) {
                kept.add(new HttpHeader(header.name(), null, referencesByName.get(name)));
            }
        }
        return kept;
    }

    /** Returns the caller headers to write: secret ones dropped, the rest byte for byte. */
    public List<CallerHeader> callerHeaders(List<NamedValue<byte[]>> headers) {
        List<CallerHeader> kept = new ArrayList<>();
        for (NamedValue<byte[]> header : headers) {
            if (!secretNames.contains(normalize(header.name()))) {
                byte[] value = header.value();
                kept.add(new CallerHeader(header.name(), value == null ? null : ByteBuffer.wrap(value.clone())));
            }
        }
        return kept;
    }

    public boolean isSecret(String headerName) {
        return secretNames.contains(normalize(headerName));
    }

    private static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
