package dev.jasyncio.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs as the main task of a fresh event loop, like {@code Asyncio.run}: it
 * may call {@code sleep}, {@code createTask} and await futures directly. Tasks still pending at
 * the end are cancelled and the loop is closed. By default the loop runs on the virtual clock, so
 * {@code sleep(3600)} takes no time and loop times are exact. A parameter of type
 * {@link dev.jasyncio.EventLoop} receives the loop.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(AsyncioExtension.class)
public @interface AsyncioTest {
    /** Run on the real clock instead of the virtual one. */
    boolean realClock() default false;

    /** Run the loop in debug mode. */
    boolean debug() default false;
}
