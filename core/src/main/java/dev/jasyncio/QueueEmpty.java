package dev.jasyncio;

import java.io.Serial;
import java.util.NoSuchElementException;

/** {@link Queue#getNowait()} found the queue empty (asyncio's {@code QueueEmpty}). */
public class QueueEmpty extends NoSuchElementException {
    @Serial private static final long serialVersionUID = 1L;

    public QueueEmpty() {
        super("the queue is empty");
    }
}
