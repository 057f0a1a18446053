package dev.jasyncio;

import java.io.Serial;

/**
 * A put on a queue that was shut down, or a get on one that was shut down and is empty (or shut
 * down immediately): asyncio's {@code QueueShutDown}.
 */
public class QueueShutDown extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    public QueueShutDown() {
        super("the queue is shut down");
    }
}
