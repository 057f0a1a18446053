package dev.jasyncio;

import java.io.Serial;
import java.util.concurrent.TimeoutException;

/** The deadline of {@code waitFor} or {@code timeout} passed; the cause is the CancelledError it replaced. */
public class TimeoutError extends TimeoutException {
    @Serial private static final long serialVersionUID = 1L;

    public TimeoutError() {
        super();
    }

    public TimeoutError(String message) {
        super(message);
    }
}
