package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Ports of CPython's test_runners.py RunTests. */
class RunnersTests {

    @Test
    void asyncioRunReturn() throws Exception {
        assertEquals(42, run(() -> {
            sleep(0);
            return 42;
        }));
    }

    @Test
    void asyncioRunRaises() {
        IllegalArgumentException spam = new IllegalArgumentException("spam");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(() -> {
            sleep(0);
            throw spam;
        }));
        assertSame(spam, e, "the original exception, unwrapped");
    }

    @Test
    void asyncioRunRaisesChecked() {
        java.io.IOException io = new java.io.IOException("disk");
        assertSame(io, assertThrows(java.io.IOException.class, () -> run(() -> {
            throw io;
        })));
    }

    @Test
    void asyncioRunOnlyCoro() {
        assertThrows(NullPointerException.class, () -> run((Awaitable<Object>) null));
    }

    @Test
    void asyncioRunDebug() throws Exception {
        assertFalse(run(() -> getRunningLoop().getDebug(), RunOptions.defaults().debug(false)));
        assertTrue(run(() -> getRunningLoop().getDebug(), RunOptions.defaults().debug(true)));
    }

    @Test
    void asyncioRunFromRunningLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(() -> run(() -> 1)));
        assertTrue(e.getMessage().contains("cannot be called from a running event loop"), e.getMessage());
    }

    @Test
    void asyncioRunCancelsHangingTasks() throws Exception {
        AtomicReference<Task<Void>> lo = new AtomicReference<>();
        assertEquals(123, run(() -> {
            lo.set(createTask(() -> sleep(0.1)));
            return 123;
        }));
        assertTrue(lo.get().done());
        assertTrue(lo.get().cancelled());
    }

    @Test
    void asyncioRunReportsHangingTasksErrors() throws Exception {
        AtomicReference<Task<Void>> lo = new AtomicReference<>();
        List<ErrorContext> errors = new ArrayList<>();
        assertEquals(123, run(() -> {
            getRunningLoop().setExceptionHandler((l, ctx) -> errors.add(ctx));
            lo.set(createTask(() -> {
                try {
                    sleep(0.1);
                } catch (CancelledError e) {
                    int zero = 0;
                    System.out.println(1 / zero);
                }
            }));
            return 123;
        }));
        assertTrue(lo.get().done());
        assertEquals(1, errors.size());
        assertTrue(java.util.regex.Pattern.compile("Asyncio.run.*shutdown").matcher(errors.get(0).message()).find(),
                errors.get(0).message());
        assertSame(lo.get(), errors.get(0).task());
        assertInstanceOf(ArithmeticException.class, errors.get(0).exception());
    }

    @Test
    void asyncioRunLoopFactory() throws Exception {
        EventLoop[] made = new EventLoop[1];
        int[] calls = {0};
        RunOptions opts = RunOptions.defaults().withLoopFactory(o -> {
            calls[0]++;
            return made[0] = new EventLoop(o);
        });
        EventLoop seen = run(Asyncio::getRunningLoop, opts);
        assertEquals(1, calls[0]);
        assertSame(made[0], seen);
        assertTrue(made[0].isClosed(), "run() closes the loop");
    }

    @Test
    void asyncioRunShutsDownExecutor() throws Exception {
        AtomicReference<Thread> worker = new AtomicReference<>();
        run(() -> Asyncio.toThread(() -> {
            worker.set(Thread.currentThread());
            return null;
        }));
        worker.get().join(5_000);
        assertFalse(worker.get().isAlive());
    }

    @Test
    void asyncioRunFromVirtualThread() throws Exception {
        // a virtual thread cannot carry the loop; run() moves it to a platform thread
        AtomicReference<Object> result = new AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                result.set(run(() -> sleep(0.01, "ok")));
            } catch (Exception e) {
                result.set(e);
            }
        });
        vt.join();
        assertEquals("ok", result.get());
    }

    @Test
    void asyncioRunVirtualClock() throws Exception {
        long start = System.nanoTime();
        double t = run(() -> {
            sleep(3600);
            return getRunningLoop().time();
        }, RunOptions.virtualClock());
        assertEquals(3600.0, t);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "an hour of virtual time is not an hour");
    }

    /**
     * test_runners' Ctrl-C test, for a JVM: SIGTERM (like SIGINT) starts a shutdown, during which
     * run() cancels its main task, lets its cleanup run, and throws InterruptedException.
     */
    @Test
    void signalCancelsMainTask() throws Exception {
        List<String> cmd = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                CarrierTests.Probe.FLAG, "-cp", System.getProperty("java.class.path"), SignalProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var out = p.inputReader()) {
            assertEquals("ready", out.readLine());
            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
            List<String> rest = new ArrayList<>();
            for (String line; (line = out.readLine()) != null; ) rest.add(line);
            assertEquals(List.of("cleanup ran", "run() threw InterruptedException caused by CancelledError"), rest);
        } finally {
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        }
    }

    /** Runs a main task that sleeps until a signal cancels it. */
    static final class SignalProbe {
        public static void main(String[] args) {
            try {
                run(() -> {
                    try {
                        System.out.println("ready");
                        sleep(60);
                    } finally {
                        System.out.println("cleanup ran");
                    }
                });
            } catch (InterruptedException e) {
                System.out.println("run() threw InterruptedException caused by " + e.getCause().getClass().getSimpleName());
            } catch (Exception e) {
                System.out.println("unexpected: " + e);
            }
        }
    }
}
