package dev.jasyncio;

import java.util.Objects;
import java.util.function.Function;

/**
 * How {@link Asyncio#run(Awaitable, RunOptions)} builds its loop: debug mode, the virtual clock,
 * or a loop factory of your own. Immutable; each {@code with} method returns a copy.
 */
public final class RunOptions {
    private final boolean debug;
    private final boolean virtualClock;
    private final Function<RunOptions, EventLoop> loopFactory;

    private RunOptions(boolean debug, boolean virtualClock, Function<RunOptions, EventLoop> loopFactory) {
        this.debug = debug;
        this.virtualClock = virtualClock;
        this.loopFactory = loopFactory;
    }

    /**
     * Debug mode if the JASYNCIO_DEBUG environment variable or -Djasyncio.debug=true is set; the
     * virtual clock if JASYNCIO_VIRTUAL_CLOCK or -Djasyncio.virtualClock=true is (handy to run a
     * whole program, or its tests, in virtual time); otherwise the real clock.
     */
    public static RunOptions defaults() {
        return new RunOptions(flag("JASYNCIO_DEBUG", "jasyncio.debug"),
                flag("JASYNCIO_VIRTUAL_CLOCK", "jasyncio.virtualClock"), EventLoop::new);
    }

    /**
     * A clock that jumps to the next timer whenever every task is waiting and nothing is ready, so
     * {@code sleep(3600)} returns at once with {@code loop.time()} advanced by exactly 3600.
     */
    public static RunOptions virtualClock() {
        return defaults().withVirtualClock(true);
    }

    public RunOptions debug(boolean on) {
        return new RunOptions(on, virtualClock, loopFactory);
    }

    public RunOptions withVirtualClock(boolean on) {
        return new RunOptions(debug, on, loopFactory);
    }

    /** Builds the loop with {@code factory}, which receives these options. */
    public RunOptions withLoopFactory(Function<RunOptions, EventLoop> factory) {
        return new RunOptions(debug, virtualClock, Objects.requireNonNull(factory));
    }

    public boolean debug() {
        return debug;
    }

    public boolean isVirtualClock() {
        return virtualClock;
    }

    EventLoop newLoop() {
        return loopFactory.apply(this);
    }

    private static boolean flag(String envName, String propertyName) {
        String env = System.getenv(envName);
        if (env != null && !env.isEmpty() && !env.equals("0")) return true;
        return Boolean.getBoolean(propertyName);
    }
}
