package dev.jasyncio.bench;

import static dev.jasyncio.Asyncio.sleep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.jasyncio.EventLoop;
import dev.jasyncio.Guard;
import dev.jasyncio.Lock;
import dev.jasyncio.Queue;
import dev.jasyncio.Task;
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
 * The queue and lock operations of pymicro.py, on one loop: each invocation runs N operations
 * inside {@code runUntilComplete}, so the figure is nanoseconds per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class SyncBench {
    static final int N = 20_000;
    static final int LOCK_TASKS = 10;

    EventLoop loop;

    @Setup
    public void setUp() {
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    /** One producer, one consumer, through a Queue(100): one operation is one item put and got. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void queuePutGet() throws Exception {
        loop.runUntilComplete(() -> {
            Queue<Integer> q = new Queue<>(100);
            Task<Void> producer = loop.createTask(() -> {
                for (int i = 0; i < N; i++) q.put(i);
            });
            Task<Void> consumer = loop.createTask(() -> {
                for (int i = 0; i < N; i++) q.get();
            });
            producer.await();
            consumer.await();
            return null;
        });
    }

    /** Ten tasks contend for one lock, each holding it across a sleep(0): one operation is one acquire+release. */
    @Benchmark
    @OperationsPerInvocation(N)
    public void lockContended10() throws Exception {
        loop.runUntilComplete(() -> {
            Lock lock = new Lock();
            List<Task<Void>> workers = new ArrayList<>(LOCK_TASKS);
            for (int w = 0; w < LOCK_TASKS; w++) {
                workers.add(loop.createTask(() -> {
                    for (int i = 0; i < N / LOCK_TASKS; i++) {
                        try (Guard _ = lock.hold()) {
                            sleep(0);
                        }
                    }
                }));
            }
            for (Task<Void> w : workers) w.await();
            return null;
        });
    }
}
