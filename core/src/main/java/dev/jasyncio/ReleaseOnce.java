package dev.jasyncio;

/** The {@link Guard} that {@code hold()} returns: releases once, so a second close cannot release someone else's hold. */
final class ReleaseOnce implements Guard {
    private Runnable release;

    ReleaseOnce(Runnable release) {
        this.release = release;
    }

    @Override
    public void close() {
        Runnable r = release;
        if (r == null) return;
        release = null;
        r.run();
    }
}
