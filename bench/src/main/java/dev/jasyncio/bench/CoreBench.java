package dev.jasyncio.bench;

import static dev.jasyncio.Asyncio.sleep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.jasyncio.EventLoop;
import dev.jasyncio.Future;
import dev.jasyncio.Task;
import dev.jasyncio.TimerHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core operations of pymicro.py, on one loop: each invocation runs N operations inside
 * {@code runUntilComplete}, so the figure is nanoseconds per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class CoreBench {
    static final int N = 20_000;

    EventLoop loop;

    @Setup
    public void setUp() {
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    /** Two tasks ping-pong through sleep(0): one operation is one task switch. */
    @Benchmark
    @OperationsPerInvocation(2 * N)
    public void switchSleep0() throws Exception {
        loop.runUntilComplete(() -> {
            Task<Void> a = loop.createTask(CoreBench::spin);
            Task<Void> b = loop.createTask(CoreBench::spin);
            a.await();
            b.await();
            return null;
        });
    }

    private static void spin() {
        for (int i = 0; i < N; i++) sleep(0);
    }

    /** Create a task and await it. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void createAwaitTask() throws Exception {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < N; i++) loop.createTask(() -> 1).await();
            return null;
        });
    }

    /** Await a future that a callback completes. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void futureSetAwait() throws Exception {
        loop.runUntilComplete(() -> {
            for (int i = 0; i < N; i++) {
                Future<Integer> f = loop.createFuture();
                loop.callSoon(() -> f.setResult(1));
                f.await();
            }
            return null;
        });
    }

    /** Schedule N timers, then cancel them all (pymicro's call_later+cancel). */
    @Benchmark
    @OperationsPerInvocation(N)
    public void callLaterCancel() throws Exception {
        loop.runUntilComplete(() -> {
            List<TimerHandle> handles = new ArrayList<>(N);
            for (int i = 0; i < N; i++) handles.add(loop.callLater(10 + i * 1e-6, CoreBench::nothing));
            for (TimerHandle h : handles) h.cancel();
            sleep(0);
            return null;
        });
    }

    private static void nothing() {}
}
