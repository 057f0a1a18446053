package dev.jasyncio;

import java.io.Serial;
import java.util.List;

/**
 * Several exceptions raised together, as by the children of a {@link TaskGroup}: Python's
 * {@code ExceptionGroup}. Each exception is also added as suppressed, so a stack trace shows all.
 */
public class ExceptionGroup extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    private final List<Throwable> exceptions;

    public ExceptionGroup(String message, List<? extends Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? ")" : "s)"));
        if (exceptions.isEmpty()) throw new IllegalArgumentException("an ExceptionGroup needs at least one exception");
        this.exceptions = List.copyOf(exceptions);
        for (Throwable e : this.exceptions) addSuppressed(e);
    }

    public List<Throwable> exceptions() {
        return exceptions;
    }
}
