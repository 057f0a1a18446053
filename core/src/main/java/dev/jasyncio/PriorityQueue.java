package dev.jasyncio;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns the smallest item first: asyncio's {@code PriorityQueue}. Items
 * that compare equal come out in no particular order (it is a heap, like asyncio's); add a
 * sequence number to the key if order among equals matters.
 */
public class PriorityQueue<T> extends Queue<T> {
    /** An unbounded queue ordered by the items' natural order ({@link ClassCastException} on put if they have none). */
    public PriorityQueue() {
        this(0);
    }

    /** A queue of at most {@code maxsize} items (0: unbounded) in their natural order. */
    public PriorityQueue(int maxsize) {
        super(maxsize, new java.util.PriorityQueue<>());
    }

    /** A queue of at most {@code maxsize} items (0: unbounded), smallest by {@code order} first. */
    public PriorityQueue(int maxsize, Comparator<? super T> order) {
        super(maxsize, new java.util.PriorityQueue<>(Objects.requireNonNull(order, "order")));
    }
}
