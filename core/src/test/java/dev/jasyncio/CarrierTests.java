package dev.jasyncio;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.getRunningLoop;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.jasyncio.Loops.newTestLoop;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the carrier design guarantees beyond asyncio: a blocking JDK call inside a task parks only
 * that task, no user code runs on the bare carrier, JDK pollers never land on a loop, the
 * thread-safe entry points lose nothing, and a missing JVM flag is explained.
 */
@Timeout(60)
class CarrierTests {

    /** Runs {@code blocking} in a task next to a ticker; returns the ticks seen while it blocked. */
    private static int ticksDuring(AsyncRunnable blocking) throws Exception {
        return run(() -> {
            List<Integer> ticks = Collections.synchronizedList(new ArrayList<>());
            boolean[] blocked = {true};
            Task<Void> ticker = createTask(() -> {
                for (int i = 0; blocked[0]; i++) {
                    ticks.add(i);
                    sleep(0.01);
                }
            });
            Task<Void> blocker = createTask(() -> {
                blocking.run();
                blocked[0] = false;
            });
            blocker.await();
            ticker.await();
            return ticks.size();
        });
    }

    @Test
    void blockingSocketReadParksOnlyTheTask() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    Thread.sleep(300);
                    s.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            String[] got = new String[1];
            int ticks = ticksDuring(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    InputStream in = s.getInputStream();
                    got[0] = new String(in.readNBytes(4), StandardCharsets.UTF_8);
                }
            });
            peer.join();
            assertEquals("late", got[0]);
            assertTrue(ticks >= 5, "the ticker kept ticking during the blocking read: " + ticks);
        }
    }

    @Test
    void threadSleepParksOnlyTheTask() throws Exception {
        int ticks = ticksDuring(() -> Thread.sleep(300));
        assertTrue(ticks >= 5, "ticks: " + ticks);
    }

    @Test
    void reentrantLockContentionParksOnlyTheTask() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        checkContentionParksOnlyTheTask(body -> {
            lock.lock();
            try {
                body.run();
            } finally {
                lock.unlock();
            }
        });
    }

    @Test
    void synchronizedContentionParksOnlyTheTask() throws Exception {
        Object monitor = new Object();
        checkContentionParksOnlyTheTask(body -> {
            synchronized (monitor) {
                body.run();
            }
        });
    }

    /** A JDK lock: runs {@code body} while holding it. */
    interface Guarded {
        void with(AsyncRunnable body) throws Exception;
    }

    /**
     * A task holds the lock across an await; a second task blocks on it in the JDK (not in an
     * await), which parks that task only: main keeps running until the lock passes on.
     */
    private static void checkContentionParksOnlyTheTask(Guarded guarded) throws Exception {
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        run(() -> {
            Task<Void> holder = createTask(() -> guarded.with(() -> {
                trace.add("holder in");
                sleep(0.3);
                trace.add("holder out");
            }));
            sleep(0);
            Task<Void> waiter = createTask(() -> guarded.with(() -> trace.add("waiter in")));
            int ticks = 0;
            while (!waiter.done()) {
                ticks++;
                sleep(0.01);
            }
            holder.await();
            assertTrue(ticks >= 5, "main kept running: " + ticks);
            return null;
        });
        assertEquals(List.of("holder in", "holder out", "waiter in"), trace);
    }

    /**
     * netty#13204: a callback that blocks on a monitor held by a parked task. Callbacks run in
     * the loop's driver virtual thread, so the driver parks and the task can finish and release.
     */
    @Test
    void callbackBlockedOnMonitorHeldByTaskDoesNotFreezeTheLoop() throws Exception {
        Object monitor = new Object();
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        run(() -> {
            EventLoop loop = getRunningLoop();
            Task<Void> holder = createTask(() -> {
                synchronized (monitor) {
                    trace.add("task holds");
                    Thread.sleep(200); // blocked in the JDK, holding the monitor
                    trace.add("task releases");
                }
            });
            sleep(0);
            loop.callSoon(() -> {
                synchronized (monitor) {
                    trace.add("callback in");
                }
            });
            holder.await();
            sleep(0.01);
            return null;
        });
        assertEquals(List.of("task holds", "task releases", "callback in"), trace);
    }

    @Test
    void callbacksAndTasksRunOnVirtualThreads() throws Exception {
        boolean[] seen = new boolean[2];
        run(() -> {
            getRunningLoop().callSoon(() -> seen[0] = Thread.currentThread().isVirtual());
            seen[1] = Thread.currentThread().isVirtual();
            sleep(0);
            return null;
        });
        assertTrue(seen[0], "a callback runs in the driver virtual thread, not on the carrier");
        assertTrue(seen[1], "a task is a virtual thread");
    }

    @Test
    void callSoonThreadsafeFromManyThreadsLosesNothing() throws Exception {
        int threads = 8, each = 5_000;
        AtomicInteger ran = new AtomicInteger();
        int seen = run(() -> {
            EventLoop loop = getRunningLoop();
            Future<Void> all = loop.createFuture();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        loop.callSoonThreadsafe(() -> {
                            if (ran.incrementAndGet() == threads * each) all.setResult(null);
                        });
                    }
                }));
            }
            start.countDown();
            all.await(); // the loop sleeps in between: every submission must wake it
            for (Thread s : senders) s.join();
            sleep(0.05);
            return ran.get();
        });
        assertEquals(threads * each, seen);
    }

    @Test
    void cancellingATaskBlockedInThreadSleepInterruptsIt() throws Exception {
        long start = System.nanoTime();
        Task<?>[] t = new Task<?>[1];
        run(() -> {
            t[0] = createTask(() -> {
                Thread.sleep(60_000);
                return "slept";
            });
            sleep(0.05);
            t[0].cancel("stop");
            Loops.awaitDone(t[0]);
            return null;
        });
        assertTrue(t[0].cancelled());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "the sleep was interrupted");
        CancelledError e = Loops.assertCancelled(t[0]);
        assertEquals("stop", e.getMessage());
        assertInstanceOf(InterruptedException.class, e.getCause());
    }

    @Test
    void unobservedTaskFailureIsReportedWhileTheLoopRuns() throws Exception {
        List<ErrorContext> errors = new ArrayList<>();
        double[] reportedAt = {-1};
        Loops.runVirtual(() -> {
            EventLoop loop = getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> {
                errors.add(ctx);
                reportedAt[0] = l.time();
            });
            createTask(() -> {
                throw new IllegalStateException("lost?");
            }, "fire-and-forget");
            sleep(60); // a long-running program: the report must not wait for close
            assertEquals(1, errors.size());
            return null;
        });
        assertEquals("Task exception was never retrieved", errors.get(0).message());
        assertEquals("fire-and-forget", errors.get(0).task().getName());
        assertEquals(EventLoop.UNRETRIEVED_GRACE, reportedAt[0], 1e-9);
    }

    /**
     * An interrupt of the thread running the loop (a JUnit timeout, an executor's shutdownNow) acts
     * like Ctrl-C under asyncio's runner: the main task is cancelled, its cleanup runs, and run()
     * throws InterruptedException. The loop neither spins on the interrupt nor ignores it.
     */
    @Test
    void interruptOfTheCarryingThreadCancelsTheMainTask() throws Exception {
        interruptLater(Thread.currentThread(), 200);
        List<String> trace = new ArrayList<>();
        long start = System.nanoTime();
        InterruptedException e = assertThrows(InterruptedException.class, () -> Asyncio.run(() -> {
            try {
                sleep(60);
            } finally {
                trace.add("cleanup ran");
            }
        }));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "run() ended long before the sleep");
        assertInstanceOf(CancelledError.class, e.getCause());
        assertEquals(List.of("cleanup ran"), trace);
        assertFalse(Thread.interrupted(), "the InterruptedException reports the interrupt");
    }

    @Test
    void interruptBeforeRunCancelsTheMainTaskBeforeItStarts() {
        Thread.currentThread().interrupt();
        boolean[] started = {false};
        assertThrows(InterruptedException.class, () -> Loops.runVirtual(() -> {
            started[0] = true;
        }));
        assertFalse(started[0]);
        assertFalse(Thread.interrupted());
    }

    /** Interrupts {@code target} after {@code millis}, from a thread of its own. */
    static void interruptLater(Thread target, long millis) {
        Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException ignored) {
                return;
            }
            target.interrupt();
        });
    }

    @Test
    void mainTaskThatSwallowsTheInterruptReturnsAndTheStatusIsKept() throws Exception {
        interruptLater(Thread.currentThread(), 200);
        try {
            String outcome = Asyncio.run(() -> {
                try {
                    sleep(60);
                    return "slept";
                } catch (CancelledError refused) {
                    sleep(0.01);
                    return "refused the cancel";
                }
            });
            assertEquals("refused the cancel", outcome);
            assertTrue(Thread.interrupted(), "the interrupt status is set again for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void interruptStopsRunForever() throws Exception {
        EventLoop loop = newTestLoop();
        try {
            loop.callSoon(() -> {});
            Thread.currentThread().interrupt();
            loop.runForever(); // returns instead of running forever
            assertTrue(Thread.interrupted());
        } finally {
            Thread.interrupted();
            loop.close();
        }
    }

    /** Tasks do not inherit InheritableThreadLocals, from their creator or from the loop's thread. */
    @Test
    void tasksDoNotInheritInheritableThreadLocals() throws Exception {
        InheritableThreadLocal<String> local = new InheritableThreadLocal<>();
        local.set("main");
        try {
            List<String> seen = Loops.runVirtual(() -> {
                List<String> got = new ArrayList<>();
                got.add(String.valueOf(local.get()));
                local.set("parent task");
                createTask(() -> got.add(String.valueOf(local.get()))).await();
                return got;
            });
            assertEquals(List.of("null", "null"), seen);
        } finally {
            local.remove();
        }
    }

    // ---- in a fresh JVM ----

    /** JDK pollers started by a task's first blocking read must not depend on the loop. */
    @Test
    void jdkPollersDoNotLandOnTheLoop() throws Exception {
        Probe.Result r = Probe.run(List.of(Probe.FLAG), PollerProbe.class);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("after close: read 1 byte"), r.output());
    }

    @Test
    void missingFlagIsExplained() throws Exception {
        Probe.Result r = Probe.run(List.of(), FlagProbe.class);
        assertFalse(r.exit() == 0, r.output());
        for (String must : List.of("--add-opens java.base/java.lang=ALL-UNNAMED", "JDK_JAVA_OPTIONS", "argLine", "Add-Opens")) {
            assertTrue(r.output().contains(must), "the message names " + must + ":\n" + r.output());
        }
    }

    /** Starts a JVM on this test class path; used by the two tests above. */
    static final class Probe {
        static final String FLAG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

        record Result(int exit, String output) {}

        static Result run(List<String> jvmFlags, Class<?> main) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
            return new Result(p.exitValue(), out);
        }
    }

    /** First blocking socket I/O of the JVM inside a task; then, loop closed, a plain virtual thread reads. */
    static final class PollerProbe {
        public static void main(String[] args) throws Exception {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                Thread peer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < 2; i++) {
                            Socket s = server.accept();
                            Thread.sleep(100);
                            s.getOutputStream().write(1);
                            s.close();
                        }
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                });
                run(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        s.getInputStream().read();
                    }
                });
                int[] got = {-1};
                Thread vt = Thread.ofVirtual().start(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        got[0] = s.getInputStream().read();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                });
                if (!vt.join(java.time.Duration.ofSeconds(20))) {
                    System.out.println("after close: a virtual thread's read hangs");
                    System.exit(3);
                }
                peer.join();
                System.out.println("after close: read " + got[0] + " byte");
            }
        }
    }

    static final class FlagProbe {
        public static void main(String[] args) {
            new EventLoop().close();
        }
    }
}
