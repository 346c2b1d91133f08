package io.retryladder.envelope.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API, which Confluent Schema Registry, Apicurio
 * Registry (under {@code /apis/ccompat/v7}) and Karapace serve.
 *
 * <p>Schema ids and schemas are cached for the life of the client, since a registered schema never
 * changes its id. Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * @param baseUrl the API root, for example {@code http://127.0.0.1:8081} or
     *     {@code http://127.0.0.1:8080/apis/ccompat/v7}
     * @param basicAuthUserInfo {@code user:password} for HTTP basic authentication, or null
     */
    public SchemaRegistryClient(String baseUrl, String basicAuthUserInfo, Duration requestTimeout) {
        this.baseUrl = parseBaseUrl(baseUrl);
        this.authorization = basicAuthUserInfo == null || basicAuthUserInfo.isEmpty()
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** Registers {@code schema} under {@code subject}, or finds it when already there, and returns its id. */
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            JsonNode response = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
            return requireId(response, subject);
        });
    }

    /** Returns the id of {@code schema} under {@code subject} without registering it. */
    public int lookUp(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            JsonNode response = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
            return requireId(response, subject);
        });
    }

    /** Returns the schema with this global id. */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode response = send("GET", "/schemas/ids/" + id, null);
        JsonNode text = response.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(
                    "The schema registry at " + baseUrl + " returned no schema text for id " + id, 200, null);
        }
        Schema schema = new Schema.Parser().parse(text.asText());
        schemasById.put(id, schema);
        return schema;
    }

    /** Sets the compatibility level of a subject, for example {@code FULL} or {@code BACKWARD}. */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        send("PUT", "/config/" + encode(subject), body);
    }

    /** Returns whether {@code schema} may be registered under {@code subject} by its compatibility rule. */
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode response =
                send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        JsonNode compatible = response.get("is_compatible");
        return compatible != null && compatible.asBoolean();
    }

    private JsonNode send(String method, String path, JsonNode body) {
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE);
            request.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    method + " " + uri + " failed: " + e + "; check schema.registry.url and that the registry is up",
                    -1,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted during " + method + " " + uri, -1, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException(
                    method + " " + uri + " returned HTTP " + response.statusCode() + ": "
                            + errorMessage(response.body()),
                    response.statusCode(),
                    null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    method + " " + uri + " returned a body that is not JSON: " + abbreviate(response.body()),
                    response.statusCode(),
                    e);
        }
    }

    private int requireId(JsonNode response, String subject) {
        JsonNode id = response.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "The schema registry at " + baseUrl + " returned no schema id for subject " + subject + ": "
                            + abbreviate(response.toString()),
                    200,
                    null);
        }
        return id.asInt();
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    /**
     * The key of a cached id. Avro caches a schema's hash code and compares the same instance by
     * reference, so a lookup with the schema the codec holds costs no serialization of the schema.
     * Schemas that differ only in documentation share an id here; they write the same bytes.
     */
    private record SubjectSchema(String subject, Schema schema) {}

    private static String errorMessage(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node.has("message")) {
                String code = node.has("error_code")
                        ? " (error code " + node.get("error_code").asText() + ")"
                        : "";
                return node.get("message").asText() + code;
            }
        } catch (IOException ignored) {
            // Not JSON: fall through and show the raw body.
        }
        return abbreviate(body);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI parseBaseUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url must not be empty when a registry is used");
        }
        String trimmed = url.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid schema.registry.url '" + url + "': " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "Invalid schema.registry.url '" + url + "': expected an http or https URL");
        }
        return uri;
    }
}
