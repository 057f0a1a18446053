package dev.jasyncio;

import java.io.Serial;

/** {@link Queue#putNowait} found the queue full (asyncio's {@code QueueFull}). */
public class QueueFull extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    public QueueFull() {
        super("the queue is full");
    }
}
