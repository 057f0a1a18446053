package dev.jasyncio;

import java.io.Serial;

/** An operation that the future's current state does not allow, such as setting a result twice. */
public class InvalidStateError extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    public InvalidStateError(String message) {
        super(message);
    }
}
