package dev.jasyncio.internal;

/** Rethrowing an exception object exactly as it was, checked or not (asyncio never wraps). */
public final class Throwables {
    private Throwables() {}

    /** Throws {@code t} unchanged; declared to return so callers can write {@code throw sneaky(t)}. */
    public static RuntimeException sneaky(Throwable t) {
        throw Throwables.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E cast(Throwable t) throws E {
        throw (E) t;
    }
}
