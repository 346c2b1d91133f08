package io.retryladder.envelope.codec;

import io.retryladder.envelope.avro.FailedOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** The envelope schema versions that ship in this jar, oldest first. */
public final class EnvelopeSchemas {

    /** Resource names of the shipped versions; a new version adds its file here. */
    private static final List<String> RESOURCES = List.of("failed-operation-v1.avsc");

    private static final List<Schema> VERSIONS = load();

    private EnvelopeSchemas() {}

    /** Returns the schema this jar writes. */
    public static Schema current() {
        return FailedOperation.getClassSchema();
    }

    /** Returns every shipped version, oldest first; the last is {@link #current()}. */
    public static List<Schema> versions() {
        return VERSIONS;
    }

    private static List<Schema> load() {
        List<Schema> schemas = new ArrayList<>();
        for (String name : RESOURCES) {
            String path = "/io/retryladder/envelope/schemas/" + name;
            try (InputStream in = EnvelopeSchemas.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("Schema resource " + path + " is missing from the envelope jar");
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to read schema resource " + path, e);
            }
        }
        return List.copyOf(schemas);
    }
}
