package dev.jasyncio;

import java.io.Serial;

/**
 * Raised in a task at its await point when the task is cancelled, and by {@code result()} of a
 * cancelled future. It is an {@link Error}, like Python's {@code BaseException}, so that
 * {@code catch (Exception e)} does not swallow cancellation. The message is the one given to
 * {@code cancel(msg)}, or null.
 */
public class CancelledError extends Error {
    @Serial private static final long serialVersionUID = 1L;

    public CancelledError() {
        super();
    }

    public CancelledError(String message) {
        super(message);
    }
}
