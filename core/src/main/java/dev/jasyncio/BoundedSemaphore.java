package dev.jasyncio;

/**
 * A {@link Semaphore} that refuses to be released more often than acquired: asyncio's
 * {@code BoundedSemaphore}, which catches a release too many as a bug instead of minting a permit.
 */
public final class BoundedSemaphore extends Semaphore {
    private final int bound;

    public BoundedSemaphore(int value) {
        super(value);
        this.bound = value;
    }

    /** Returns a permit; {@link IllegalArgumentException} if all permits are already back. */
    @Override
    public void release() {
        if (value >= bound) throw new IllegalArgumentException("BoundedSemaphore released too many times");
        super.release();
    }
}
