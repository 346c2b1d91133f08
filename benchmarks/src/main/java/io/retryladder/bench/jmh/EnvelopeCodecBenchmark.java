package io.retryladder.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.retryladder.bench.SampleEnvelope;
import io.retryladder.envelope.avro.FailedOperation;
import io.retryladder.envelope.codec.EnvelopeCodec;
import io.retryladder.envelope.codec.EnvelopeSchemas;
import io.retryladder.envelope.codec.UndecodableEnvelopeException;
import io.retryladder.envelope.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Envelope encode and decode in both wire formats: Avro single-object encoding without a registry,
 * and the registry format with the schema id and schema cached after the first call. The registry
 * is a stub on 127.0.0.1 that returns what the Confluent REST calls return, and the client calls it only
 * before it caches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EnvelopeCodecBenchmark {

    private static final String TOPIC = "retry-1s";
    private static final int SCHEMA_ID = 1;

    private HttpServer registry;
    private EnvelopeCodec singleObject;
    private EnvelopeCodec withRegistry;
    private FailedOperation envelope;
    private byte[] singleObjectBytes;
    private byte[] registryBytes;

    @Setup(Level.Trial)
    public void start() throws IOException, UndecodableEnvelopeException {
        registry = startRegistryStub();
        String url = "http://127.0.0.1:" + registry.getAddress().getPort();
        singleObject = EnvelopeCodec.singleObject();
        withRegistry = EnvelopeCodec.withRegistry(new SchemaRegistryClient(url, null, Duration.ofSeconds(5)), true);
        envelope = SampleEnvelope.of("order-42", 256);
        singleObjectBytes = singleObject.encode(TOPIC, envelope);
        registryBytes = withRegistry.encode(TOPIC, envelope);
        withRegistry.decode(registryBytes);
    }

    @TearDown(Level.Trial)
    public void stop() {
        registry.stop(0);
    }

    @Benchmark
    public byte[] encodeSingleObject() {
        return singleObject.encode(TOPIC, envelope);
    }

    @Benchmark
    public FailedOperation decodeSingleObject() throws UndecodableEnvelopeException {
        return singleObject.decode(singleObjectBytes);
    }

    @Benchmark
    public byte[] encodeRegistry() {
        return withRegistry.encode(TOPIC, envelope);
    }

    @Benchmark
    public FailedOperation decodeRegistry() throws UndecodableEnvelopeException {
        return withRegistry.decode(registryBytes);
    }

    private static HttpServer startRegistryStub() throws IOException {
        ObjectMapper json = new ObjectMapper();
        byte[] idBody = json.writeValueAsBytes(Map.of("id", SCHEMA_ID));
        byte[] schemaBody = json.writeValueAsBytes(
                Map.of("schema", EnvelopeSchemas.current().toString()));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/subjects/", exchange -> answer(exchange, idBody));
        server.createContext("/schemas/ids/", exchange -> answer(exchange, schemaBody));
        server.start();
        return server;
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        exchange.close();
    }
}
