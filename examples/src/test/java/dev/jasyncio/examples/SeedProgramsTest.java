package dev.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.jasyncio.Asyncio;
import dev.jasyncio.CancelledError;
import dev.jasyncio.EventLoop;
import dev.jasyncio.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each seed program's Java twin prints what the Python original prints, at the same loop times.
 * The programs run unchanged on the virtual clock (-Djasyncio.virtualClock=true), and every output
 * line is stamped with the loop time at which it was printed, so the transcripts pin down both
 * the output and its timing shape ("after 1 s", "together after 0.5 s, not 1.5 s").
 */
class SeedProgramsTest {

    @BeforeAll
    static void virtualClock() {
        System.setProperty("jasyncio.virtualClock", "true");
    }

    @AfterAll
    static void realClock() {
        System.clearProperty("jasyncio.virtualClock");
    }

    /** Runs a program and returns its output, each line prefixed with the loop time. */
    static String transcript(Main.Program program, String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new LoopTimeStamps(bytes), true, StandardCharsets.UTF_8));
        try {
            program.main(args);
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void myCoroutine() throws Exception {
        assertEquals("""
                [0.00] Start
                [2.00] End
                """, transcript(MyCoroutine::main));
    }

    @Test
    void taskExample() throws Exception {
        assertEquals("""
                [0.00] Task started
                [2.00] Task finished
                """, transcript(TaskExample::main));
    }

    @Test
    void exceptionHandling() throws Exception {
        assertEquals("[0.00] Caught an exception: An example error\n", transcript(ExceptionHandling::main));
    }

    @Test
    void faultyFunction() throws Exception {
        assertEquals("[0.00] Caught an exception: An error occurred\n", transcript(FaultyFunction::main));
    }

    @Test
    void greet() throws Exception {
        assertEquals("""
                [0.00] Hello
                [1.00] World
                """, transcript(Greet::main));
    }

    @Test
    void twoTasks() throws Exception {
        assertEquals("""
                [1.00] Hello
                [2.00] World
                """, transcript(TwoTasks::main));
    }

    @Test
    void dots() throws Exception {
        assertEquals("""
                [0.00] Waiting 5 seconds.\s
                [1.00] .
                [2.00] .
                [3.00] .
                [4.00] .
                [5.00] .
                [5.00] Finished waiting.
                """, transcript(Dots::main));
    }

    /** As in CPython: the fifth tick and main's sleep(5) are due together; main's timer came first. */
    @Test
    void backgroundTicker() throws Exception {
        assertEquals("""
                [1.00] tick
                [2.00] tick
                [3.00] tick
                [4.00] tick
                """, transcript(BackgroundTicker::main));
    }

    @Test
    void hello() throws Exception {
        assertEquals("[0.50] hello A, hello B\n", transcript(Hello::main));
    }

    @Test
    void threadsafeSubmit() throws Exception {
        // the worker thread blocks in future.get(); the loop's virtual time does not run ahead of it
        assertEquals("[0.50] worker thread got: computed on the loop\n", transcript(ThreadsafeSubmit::main));
    }

    @Test
    void helloWorldGather() throws Exception {
        assertEquals("""
                [1.00] Hello
                [1.00] World
                """, transcript(HelloWorldGather::main));
    }

    @Test
    void futureExample() throws Exception {
        assertEquals("[2.00] Future is done\n", transcript(FutureExample::main));
    }

    /** Two runs, two loops: each loop's clock starts at zero. */
    @Test
    void greetTogether() throws Exception {
        assertEquals("""
                [0.50] hello World
                [0.50] hello A
                [0.50] hello B
                [0.50] hello C
                """, transcript(GreetTogether::main));
    }

    @Test
    void waitForTimeout() throws Exception {
        assertEquals("[1.00] timed out\n", transcript(WaitForTimeout::main));
    }

    @Test
    void fetchData() throws Exception {
        assertEquals("[3.00] [Data 1, Data 2, Data 3]\n", transcript(FetchData::main));
    }

    @Test
    void waitForTasks() throws Exception {
        assertEquals("""
                [1.00] task finished
                [3.00] done: 1, pending: 1
                [3.00] task1 finished
                [4.00] task2 finished
                """, transcript(WaitForTasks::main));
    }

    // ---- the stream programs: no timers, so on the virtual clock every line is printed at 0.00 ----

    @Test
    void echoServer() throws Exception {
        try (var program = new Background(EchoServer::main, "0")) {
            int port = program.port("Serving on /127.0.0.1:(\\d+)");
            try (var a = connect(port); var b = connect(port)) {   // two clients at once, answered in turn
                assertEquals("second", exchange(b, "second"));
                assertEquals("first", exchange(a, "first"));
                assertEquals("""
                        [0.00] Serving on /127.0.0.1:%d
                        [0.00] Received second from /127.0.0.1:%d
                        [0.00] Received first from /127.0.0.1:%d
                        """.formatted(port, b.getLocalPort(), a.getLocalPort()), program.stop());
            }
        }
    }

    /** As in CPython: run() returns once startServer has, and nobody is ever served. */
    @Test
    void upperServerAsInTheSeed() throws Exception {
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertEquals("", transcript(UpperServer::main, String.valueOf(port)));
        // unlike CPython, which leaves the listener open until the process exits, closing the loop closed it
        assertThrows(ConnectException.class, () -> connect(port).close());
    }

    @Test
    void upperServerServing() throws Exception {
        try (var program = new Background(UpperServer::main, "--serve", "0")) {
            int port = program.port("Serving on /0.0.0.0:(\\d+)");
            try (var client = connect(port)) {
                assertEquals("HELLO, WORLD! éTé", exchange(client, "hello, world! été"));   // bytes.upper(): ASCII only
            }
            assertEquals("[0.00] Serving on /0.0.0.0:%d\n".formatted(port), program.stop());
        }
    }

    @Test
    void motdFromItsOwnServer() throws Exception {
        assertLines(List.of(
                "\\[0\\.00] qotd server on /127\\.0\\.0\\.1:\\d+",
                "\\[0\\.00] motd: Simple is better than complex\\."), transcript(Motd::main));
    }

    /** The seed's qotd server stands in here as a plain blocking ServerSocket on another thread. */
    @Test
    void motdFromAnotherServer() throws Exception {
        try (var qotd = new ServerSocket(0)) {
            Thread server = Thread.ofPlatform().start(() -> {
                try (Socket s = qotd.accept()) {
                    s.getOutputStream().write("Carpe diem.\r\nnot part of the first line\r\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String port = String.valueOf(qotd.getLocalPort());
            assertEquals("[0.00] motd: Carpe diem.\n", transcript(Motd::main, "127.0.0.1", port));
            server.join(10_000);
        }
    }

    /** The clients run concurrently, so only each one's own order is fixed. */
    @Test
    void echoDemo() throws Exception {
        List<String> lines = transcript(EchoDemo::main).lines().toList();
        assertEquals(8, lines.size(), String.join("\n", lines));
        assertTrue(lines.getFirst().matches("\\[0\\.00] Serving on /127\\.0\\.0\\.1:\\d+"), lines.getFirst());
        assertEquals("[0.00] server closed", lines.getLast());
        for (String m : List.of("hello", "bonjour", "hola")) {
            int received = indexOfMatch(lines, "\\[0\\.00] Received " + m + " from /127\\.0\\.0\\.1:\\d+");
            int echoed = lines.indexOf("[0.00] " + m + " -> " + m);
            assertTrue(received > 0 && echoed > received, String.join("\n", lines));
        }
    }

    private static void assertLines(List<String> patterns, String transcript) {
        List<String> lines = transcript.lines().toList();
        assertEquals(patterns.size(), lines.size(), transcript);
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).matches(patterns.get(i)), "line " + (i + 1) + " of:\n" + transcript);
        }
    }

    private static int indexOfMatch(List<String> lines, String pattern) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).matches(pattern)) return i;
        return -1;
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends {@code message} and returns all the server sends back before it closes. */
    private static String exchange(Socket s, String message) throws IOException {
        s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /**
     * A server program running in a thread of its own with its output captured, until {@link #stop()}
     * cancels its tasks (as Ctrl-C cancels asyncio.run's main task).
     */
    static final class Background implements AutoCloseable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final LoopTimeStamps stamps = new LoopTimeStamps(bytes);
        private final PrintStream original = System.out;
        private final Thread thread;
        private volatile Throwable ended;

        Background(Main.Program program, String... args) {
            System.setOut(new PrintStream(stamps, true, StandardCharsets.UTF_8));
            thread = Thread.ofPlatform().name("server program").start(() -> {
                try {
                    program.main(args);
                    ended = new AssertionError("the program returned by itself");
                } catch (Throwable e) {
                    ended = e;
                }
            });
        }

        /** Waits for an output line matching {@code pattern} and returns its first group as a port. */
        int port(String pattern) throws InterruptedException {
            Pattern p = Pattern.compile(pattern);
            for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(10)) {
                Matcher m = p.matcher(bytes.toString(StandardCharsets.UTF_8));
                if (m.find()) return Integer.parseInt(m.group(1));
                if (!thread.isAlive()) break;
            }
            return fail("no line matching " + pattern + " in:\n" + bytes.toString(StandardCharsets.UTF_8), ended);
        }

        /** Cancels every task of the program's loop, waits for it to end, and returns its output. */
        String stop() throws InterruptedException {
            EventLoop loop = stamps.loop;
            loop.callSoonThreadsafe(() -> Asyncio.allTasks().forEach(Task::cancel));
            thread.join(10_000);
            assertInstanceOf(CancelledError.class, ended, "how the program ended");
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                if (thread.isAlive()) stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                System.setOut(original);
            }
        }
    }

    /** Prefixes each line with the time of the loop running in the printing thread, and remembers that loop. */
    static final class LoopTimeStamps extends OutputStream {
        private final OutputStream target;
        private boolean atLineStart = true;
        volatile EventLoop loop;

        LoopTimeStamps(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            if (atLineStart) {
                loop = Asyncio.getRunningLoop();
                double t = loop.time();
                target.write(String.format("[%.2f] ", t).getBytes(StandardCharsets.UTF_8));
                atLineStart = false;
            }
            target.write(b);
            if (b == '\n') atLineStart = true;
        }
    }
}
