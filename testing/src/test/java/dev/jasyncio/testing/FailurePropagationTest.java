package dev.jasyncio.testing;

import static dev.jasyncio.Asyncio.createTask;
import static dev.jasyncio.Asyncio.sleep;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** A failing @AsyncioTest fails with the body's own error, and a test that never ends is not hidden. */
class FailurePropagationTest {

    static class Samples {
        @AsyncioTest
        void assertionFails() {
            sleep(1);
            throw new AssertionError("expected 1 but was 2");
        }

        @AsyncioTest
        void childTaskFailureSurfacesWhenAwaited() throws Exception {
            createTask(() -> {
                throw new IllegalStateException("child broke");
            }).await();
        }
    }

    private static void check(String method, Class<? extends Throwable> type, String msg) {
        EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(Samples.class, method))
                .execute()
                .testEvents()
                .assertThatEvents()
                .haveExactly(1, event(test(method), finishedWithFailure(instanceOf(type), message(msg))));
    }

    @Test
    void assertionErrorFailsTheTest() {
        check("assertionFails", AssertionError.class, "expected 1 but was 2");
    }

    @Test
    void exceptionFromAwaitedTaskFailsTheTest() {
        check("childTaskFailureSurfacesWhenAwaited", IllegalStateException.class, "child broke");
    }
}
