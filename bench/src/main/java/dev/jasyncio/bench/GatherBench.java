package dev.jasyncio.bench;

import static dev.jasyncio.Asyncio.gather;
import static dev.jasyncio.Asyncio.taskGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.jasyncio.Awaitable;
import dev.jasyncio.EventLoop;
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

/** Structured fan-out: gather of many trivial coroutines, and a 10-deep binary tree of task groups. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class GatherBench {
    static final int GATHERED = 100_000;
    static final int DEPTH = 10;
    static final int TREE_TASKS = (1 << (DEPTH + 1)) - 2; // every node but the root is a task

    EventLoop loop;

    @Setup
    public void setUp() {
        loop = new EventLoop();
    }

    @TearDown
    public void tearDown() {
        loop.close();
    }

    /** pymicro's gather: 100 000 coroutines returning 1, gathered (ns per gathered task). */
    @Benchmark
    @OperationsPerInvocation(GATHERED)
    public List<Integer> gatherPerTask() throws Exception {
        return loop.runUntilComplete(() -> {
            List<Awaitable<Integer>> coros = new ArrayList<>(GATHERED);
            for (int i = 0; i < GATHERED; i++) coros.add(() -> 1);
            return gather(coros).await();
        });
    }

    /** Each node opens a task group with two children, ten levels deep (ns per task). */
    @Benchmark
    @OperationsPerInvocation(TREE_TASKS)
    public Integer taskGroupTree() throws Exception {
        return loop.runUntilComplete(() -> fanOut(DEPTH));
    }

    private static int fanOut(int depth) throws Exception {
        if (depth == 0) return 1;
        return taskGroup(tg -> {
            var left = tg.createTask(() -> fanOut(depth - 1));
            var right = tg.createTask(() -> fanOut(depth - 1));
            return left.await() + right.await();
        });
    }
}
