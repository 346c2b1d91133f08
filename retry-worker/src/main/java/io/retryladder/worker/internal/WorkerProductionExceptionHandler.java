package io.retryladder.worker.internal;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a failed write does. It never drops a record: a retriable failure aborts the
 * transaction and Kafka Streams restores the task from its last commit and tries again; any other
 * failure stops the stream thread, which is replaced. A failed write to the dead-letter topic also
 * closes the {@link DeadLetterGate}, so that later dead letters wait in the timer store.
 */
public final class WorkerProductionExceptionHandler implements ProductionExceptionHandler {

    /** Settings key under which the worker passes its {@link DeadLetterGate} to Kafka Streams. */
    public static final String GATE_SETTING = "retry.worker.internal.dead.letter.gate";

    private static final Logger log = LoggerFactory.getLogger(WorkerProductionExceptionHandler.class);

    private DeadLetterGate gate;

    @Override
    public void configure(Map<String, ?> settings) {
        Object value = settings.get(GATE_SETTING);
        if (value instanceof DeadLetterGate deadLetterGate) {
            this.gate = deadLetterGate;
        }
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (gate != null && record.topic().equals(gate.topic())) {
            gate.reportWriteFailure(exception.toString());
        }
        boolean retriable = exception instanceof RetriableException;
        log.error(
                "Writing to {} failed in task {} ({}); the transaction is aborted and the task {}",
                record.topic(),
                context.taskId(),
                exception.toString(),
                retriable ? "restarts from its last commit" : "thread restarts");
        return retriable ? Response.retry() : Response.fail();
    }
}
