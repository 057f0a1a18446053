package dev.jasyncio;

import java.io.EOFException;

/**
 * The stream ended before a read could complete: asyncio's {@code IncompleteReadError}, raised by
 * {@link StreamReader#readexactly} and {@link StreamReader#readuntil} at end of stream. What was
 * read before the end is in {@link #partial()}; it is no longer in the reader's buffer.
 */
public class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;

    private final byte[] partial;
    private final Integer expected;

    /**
     * @param partial  the bytes read before the end of the stream (kept, not copied)
     * @param expected how many bytes were expected in all, or null if that was not known
     */
    public IncompleteReadError(byte[] partial, Integer expected) {
        super(partial.length + " bytes read on a total of " + (expected == null ? "undefined" : expected)
                + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes read before the end of the stream: this exception's own array, not a copy. */
    public byte[] partial() {
        return partial;
    }

    /** How many bytes were expected in all; null when undefined (a {@code readuntil} at end of stream). */
    public Integer expected() {
        return expected;
    }
}
