package dev.jasyncio.bench;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.run;
import static dev.jasyncio.Asyncio.sleep;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import dev.jasyncio.Task;

/**
 * One million tasks each sleeping 1.0 s, then awaited: wall time, and heap held while they all
 * sleep. Prints one line: {@code million_tasks wall_s=... heap_mib=... bytes_per_task=...}.
 * The wall time comes from a run without a forced GC; the heap figure from a second run that
 * forces one while every task sleeps, so it counts live objects only.
 */
public final class MillionTasks {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        // Warm the JIT first, as the kotlinx anchor does: a task frozen while its frames were still
        // interpreted also resumes in the interpreter, so a cold run measures the interpreter.
        for (int i = 0; i < 3; i++) measure(n / 5, 0.1, false);
        double wall = measure(n, 1.0, false)[0];
        double held = measure(n, 1.0, true)[1];
        System.out.printf("million_tasks n=%d wall_s=%.2f heap_mib=%.0f bytes_per_task=%.0f%n",
                n, wall, held / 1048576.0, held / n);
    }

    /** Returns {wall seconds, bytes held while all tasks sleep (if measured)}. */
    private static double[] measure(int n, double seconds, boolean measureHeap) throws Exception {
        var memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        long start = System.nanoTime();
        long[] held = new long[1];
        run(() -> {
            List<Task<Void>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) tasks.add(createTask(() -> sleep(seconds)));
            sleep(0); // every task has started and is parked in its sleep
            if (measureHeap) {
                System.gc();
                held[0] = memory.getHeapMemoryUsage().getUsed() - before;
            }
            for (Task<Void> t : tasks) t.await();
        });
        return new double[] {(System.nanoTime() - start) / 1e9, held[0]};
    }
}
