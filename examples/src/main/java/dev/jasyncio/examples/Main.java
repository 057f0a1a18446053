package dev.jasyncio.examples;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code bin/jasyncio} entry point: {@code demo}, {@code list}, {@code run NAME}. */
public final class Main {
    /** A seed program and where it comes from. */
    record Example(String name, String source, String what, boolean inDemo, Program program) {}

    @FunctionalInterface
    interface Program {
        void main(String[] args) throws Exception;
    }

    static final List<Example> EXAMPLES = List.of(
            new Example("hello", "README", "two greetings computed concurrently: 0.5 s, not 1 s", true, Hello::main),
            new Example("greet-together", "seed 002", "one greeting after 0.5 s, then three together after 0.5 s, not 1.5 s", true, GreetTogether::main),
            new Example("wait-for", "seed 002", "a 10 s coroutine under a 1 s wait_for times out", true, WaitForTimeout::main),
            new Example("greet", "seeds 002, 004", "print, sleep(1), print", false, Greet::main),
            new Example("hello-world", "seed 000", "two coroutines gathered: both after 1 s", false, HelloWorldGather::main),
            new Example("future", "seed 000", "a coroutine completes a future after 2 s", false, FutureExample::main),
            new Example("fetch-data", "seed 004", "three fetches gathered: results in order after 3 s", false, FetchData::main),
            new Example("wait-tasks", "seed 003", "wait_for one task, then wait for two with a timeout", false, WaitForTasks::main),
            new Example("two-tasks", "seed 004", "two tasks sleep 1 s and 2 s concurrently: done after 2 s", true, TwoTasks::main),
            new Example("exception", "seed 000", "an exception raised in a task is caught where it is awaited", true, ExceptionHandling::main),
            new Example("threadsafe", "seed 003", "a worker thread runs a coroutine on the loop and waits for it", true, ThreadsafeSubmit::main),
            new Example("ticker", "seed 002", "a background task ticks until cancelled after 5 s", true, BackgroundTicker::main),
            new Example("echo", "seed 000", "the echo server on a free port, three clients at once, then closed", true, EchoDemo::main),
            new Example("my-coroutine", "seed 001", "print, sleep(2), print", false, MyCoroutine::main),
            new Example("task", "seed 000", "create a task and await it", false, TaskExample::main),
            new Example("faulty", "seed 004", "catch an exception from an awaited coroutine", false, FaultyFunction::main),
            new Example("dots", "seed 003", "five one-second sleeps, a dot after each", false, Dots::main),
            new Example("echo-server", "seed 000", "echo server on 127.0.0.1:8888 until stopped; [PORT] (0: any free)", false, EchoServer::main),
            new Example("motd", "seed 002", "one line from a qotd server; [HOST PORT] (none: its own local one)", false, Motd::main),
            new Example("upper-server", "seed 002", "upper-casing server; returns at once as in the seed; [--serve] [PORT]", false, UpperServer::main));

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "demo" : args[0];
        switch (cmd) {
            case "demo" -> demo();
            case "list" -> list();
            case "run" -> {
                if (args.length < 2) {
                    System.err.println("usage: jasyncio run NAME [ARGS]  (jasyncio list shows the names)");
                    System.exit(2);
                }
                find(args[1]).program().main(java.util.Arrays.copyOfRange(args, 2, args.length));
            }
            default -> {
                System.err.println("unknown command: " + cmd);
                System.exit(2);
            }
        }
    }

    private static Example find(String name) {
        for (Example e : EXAMPLES) if (e.name().equals(name)) return e;
        System.err.println("no example named '" + name + "'; jasyncio list shows them");
        System.exit(2);
        throw new AssertionError();
    }

    private static void list() {
        for (Example e : EXAMPLES) {
            System.out.printf("%-14s %-14s %s%n", e.name(), e.source(), e.what());
        }
    }

    /** Runs the demo programs for real, each output line prefixed with the time since its start. */
    private static void demo() throws Exception {
        PrintStream out = System.out;
        out.println("jasyncio demo: seed programs on a real clock; [s] is the time since each started.");
        for (Example e : EXAMPLES) {
            if (!e.inDemo()) continue;
            out.printf("%n== %s (%s): %s%n", e.name(), e.source(), e.what());
            long start = System.nanoTime();
            System.setOut(new PrintStream(new Stamped(out, start), true, StandardCharsets.UTF_8));
            try {
                e.program().main(new String[0]);
            } finally {
                System.setOut(out);
            }
            out.printf("   done in %.2f s%n", (System.nanoTime() - start) / 1e9);
        }
    }

    /** Prefixes each line with the seconds elapsed since {@code start}. */
    private static final class Stamped extends OutputStream {
        private final PrintStream target;
        private final long start;
        private boolean atLineStart = true;

        Stamped(PrintStream target, long start) {
            this.target = target;
            this.start = start;
        }

        @Override
        public void write(int b) {
            if (atLineStart) {
                target.printf("   [%5.2f s] ", (System.nanoTime() - start) / 1e9);
                atLineStart = false;
            }
            target.write(b);
            if (b == '\n') atLineStart = true;
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}
