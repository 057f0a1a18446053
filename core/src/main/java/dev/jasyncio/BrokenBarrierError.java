package dev.jasyncio;

import java.io.Serial;
import java.util.concurrent.BrokenBarrierException;

/** {@link Barrier#await()} failed because the barrier was reset or aborted (asyncio's {@code BrokenBarrierError}). */
public class BrokenBarrierError extends BrokenBarrierException {
    @Serial private static final long serialVersionUID = 1L;

    public BrokenBarrierError(String message) {
        super(message);
    }
}
