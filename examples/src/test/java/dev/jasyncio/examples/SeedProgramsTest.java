package dev.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.jasyncio.Asyncio;
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
    static String transcript(Main.Program program) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new LoopTimeStamps(bytes), true, StandardCharsets.UTF_8));
        try {
            program.main(new String[0]);
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

    /** Prefixes each line with the time of the loop running in the printing thread. */
    static final class LoopTimeStamps extends OutputStream {
        private final OutputStream target;
        private boolean atLineStart = true;

        LoopTimeStamps(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            if (atLineStart) {
                double t = Asyncio.getRunningLoop().time();
                target.write(String.format("[%.2f] ", t).getBytes(StandardCharsets.UTF_8));
                atLineStart = false;
            }
            target.write(b);
            if (b == '\n') atLineStart = true;
        }
    }
}
