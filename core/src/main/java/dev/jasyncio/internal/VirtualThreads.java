package dev.jasyncio.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.Executor;

/**
 * The only place that reaches into JDK internals. JDK 25 has no public API for a virtual-thread
 * scheduler, so we call the package-private {@code ThreadBuilders.VirtualThreadBuilder(Executor)}
 * constructor and the static {@code Thread.currentCarrierThread()}. When a public scheduler API
 * arrives, this file is what changes.
 */
public final class VirtualThreads {
    private VirtualThreads() {}

    /** The flag that opens {@code java.lang} to us; also used in error messages. */
    public static final String REQUIRED_FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";

    private static final Constructor<?> BUILDER;
    private static final MethodHandle CURRENT_CARRIER;
    private static final RuntimeException UNAVAILABLE;

    static {
        Constructor<?> builder = null;
        MethodHandle carrier = null;
        RuntimeException failure = null;
        try {
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            builder = c.getDeclaredConstructor(Executor.class);
            builder.setAccessible(true);
            var m = Thread.class.getDeclaredMethod("currentCarrierThread");
            m.setAccessible(true);
            carrier = MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = new IllegalStateException(missingFlagMessage(), e);
        }
        BUILDER = builder;
        CURRENT_CARRIER = carrier;
        UNAVAILABLE = failure;
    }

    static String missingFlagMessage() {
        Module self = VirtualThreads.class.getModule();
        String flag = self.isNamed()
                ? "--add-opens java.base/java.lang=" + self.getName()
                : REQUIRED_FLAG;
        return "jasyncio runs each task on a virtual thread scheduled by the event loop, which needs "
                + "java.lang opened to it. Add the JVM flag\n    " + flag + "\n"
                + "in one of these places:\n"
                + "  - the java command line (bin/jasyncio passes it for you),\n"
                + "  - the environment: JDK_JAVA_OPTIONS=\"" + flag + "\",\n"
                + "  - Maven Surefire/Failsafe: <argLine>" + flag + "</argLine>,\n"
                + "  - an executable jar's manifest: Add-Opens: java.base/java.lang";
    }

    /** Fails with a message naming the missing JVM flag if the JDK internals are closed to us. */
    public static void checkAvailable() {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException(UNAVAILABLE.getMessage(), UNAVAILABLE.getCause());
        }
    }

    /** A builder of virtual threads whose continuations are handed to {@code scheduler}. */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        checkAvailable();
        ensurePollersOffLoop();
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual thread builder", e);
        }
    }

    /** The platform thread the calling code runs on (itself, or the carrier of a virtual thread). */
    public static Thread currentCarrier() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static volatile boolean pollersStarted;

    /**
     * The JDK starts its I/O poller threads the first time a virtual thread blocks on I/O, and in
     * the default poller mode those pollers are virtual threads that inherit the scheduler of the
     * thread that triggered them. If that were one of our tasks, every blocking socket in the JVM
     * would depend on our loop. So before any loop exists we block once on a pipe from a virtual
     * thread of the JDK's own scheduler, started here from a platform thread.
     */
    private static void ensurePollersOffLoop() {
        if (pollersStarted) return;
        synchronized (VirtualThreads.class) {
            if (pollersStarted) return;
            Thread starter = Thread.ofPlatform().daemon().name("jasyncio-poller-warmup").unstarted(
                    VirtualThreads::blockOnceOnPipe);
            starter.start();
            try {
                starter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the JDK pollers", e);
            }
            pollersStarted = true;
        }
    }

    private static void blockOnceOnPipe() {
        try {
            Pipe pipe = Pipe.open();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        source.read(ByteBuffer.allocate(1));
                    } catch (IOException ignored) {
                        // the read only exists to park once
                    }
                });
                while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                    Thread.onSpinWait();
                }
                sink.write(ByteBuffer.wrap(new byte[] {1}));
                reader.join();
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start the JDK pollers", e);
        }
    }
}
