package dev.jasyncio;

import java.util.ArrayDeque;
import java.util.Collections;

/** A {@link Queue} that returns the most recently added item first: asyncio's {@code LifoQueue}. */
public class LifoQueue<T> extends Queue<T> {
    /** An unbounded stack. */
    public LifoQueue() {
        this(0);
    }

    /** A stack of at most {@code maxsize} items; 0 means unbounded. */
    public LifoQueue(int maxsize) {
        super(maxsize, Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
