package io.retryladder.dlq.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the first {@code limit} items of a stream in the given order, without holding the rest. */
public final class BoundedSelection<T> {

    private final int limit;
    private final Comparator<T> order;
    private final PriorityQueue<T> kept;

    /**
     * @param limit how many items to keep; 0 keeps every item
     * @param order the order that decides which items come first
     */
    public BoundedSelection(int limit, Comparator<T> order) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        this.limit = limit;
        this.order = order;
        this.kept = new PriorityQueue<>(order.reversed());
    }

    public void offer(T item) {
        kept.add(item);
        if (limit > 0 && kept.size() > limit) {
            kept.poll();
        }
    }

    /** Returns the kept items in order. */
    public List<T> sorted() {
        List<T> items = new ArrayList<>(kept);
        items.sort(order);
        return items;
    }
}
