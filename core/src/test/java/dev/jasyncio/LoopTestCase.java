package dev.jasyncio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Like CPython's test_utils.TestCase: each test gets a fresh virtual-clock loop, closed afterwards. */
abstract class LoopTestCase {
    EventLoop loop;

    @BeforeEach
    void createLoop() {
        loop = Loops.newTestLoop();
    }

    /** Runs {@code body} as a task of the test's loop, until it is done. */
    void run(AsyncRunnable body) throws Exception {
        loop.runUntilComplete(body.asAwaitable());
    }

    @AfterEach
    void closeLoop() {
        loop.close();
    }
}
