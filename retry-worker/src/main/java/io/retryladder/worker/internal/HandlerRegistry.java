package io.retryladder.worker.internal;

import io.retryladder.worker.OperationHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** The custom operation handlers on the class path, found with {@link ServiceLoader}, by type. */
public final class HandlerRegistry {

    private final Map<String, OperationHandler> handlers;

    private HandlerRegistry(Map<String, OperationHandler> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    /** Loads every {@link OperationHandler} listed under META-INF/services. */
    public static HandlerRegistry load(ClassLoader classLoader) {
        Map<String, OperationHandler> handlers = new HashMap<>();
        for (OperationHandler handler : ServiceLoader.load(OperationHandler.class, classLoader)) {
            register(handlers, handler);
        }
        return new HandlerRegistry(handlers);
    }

    /** Returns a registry of exactly these handlers, for embedding and tests. */
    public static HandlerRegistry of(Iterable<OperationHandler> list) {
        Map<String, OperationHandler> handlers = new HashMap<>();
        for (OperationHandler handler : list) {
            register(handlers, handler);
        }
        return new HandlerRegistry(handlers);
    }

    public OperationHandler forType(String type) {
        return handlers.get(type);
    }

    public Set<String> types() {
        return handlers.keySet();
    }

    private static void register(Map<String, OperationHandler> handlers, OperationHandler handler) {
        OperationHandler previous = handlers.put(handler.type(), handler);
        if (previous != null) {
            throw new IllegalStateException("Two handlers serve operation type '" + handler.type() + "': "
                    + previous.getClass().getName() + " and "
                    + handler.getClass().getName()
                    + "; keep one of them on the class path");
        }
    }
}
