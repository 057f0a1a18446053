package dev.jasyncio;

import java.io.IOException;

/**
 * A separator was looked for beyond the reader's limit: asyncio's {@code LimitOverrunError},
 * raised by {@link StreamReader#readuntil}. The reader's buffer is left as it was, so the data can
 * still be read; {@link #consumed()} is how many bytes of it a caller would have to consume to
 * get past the point where the search gave up.
 */
public class LimitOverrunError extends IOException {
    private static final long serialVersionUID = 1L;

    private final int consumed;

    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** The number of bytes to consume: where the separator starts, or where the search stopped. */
    public int consumed() {
        return consumed;
    }
}
