package dev.jasyncio.testing;

import java.lang.reflect.Method;

import dev.jasyncio.Asyncio;
import dev.jasyncio.EventLoop;
import dev.jasyncio.RunOptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs {@link AsyncioTest} methods inside {@code Asyncio.run} on a loop made for the test (and
 * handed to an {@link EventLoop} parameter if the method has one).
 */
public final class AsyncioExtension implements InvocationInterceptor, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(AsyncioExtension.class);

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        EventLoop loop = loopFor(context);
        try {
            Asyncio.run(() -> {
                proceed(invocation);
                return null;
            }, RunOptions.defaults().withLoopFactory(options -> loop));
        } finally {
            loop.close(); // also when the test never got to run (run() refused)
        }
    }

    /** JUnit's invocation throws Throwable; a test body's Errors and exceptions pass through as they are. */
    private static void proceed(Invocation<Void> invocation) throws Exception {
        try {
            invocation.proceed();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static EventLoop loopFor(ExtensionContext context) {
        return context.getStore(NS).getOrComputeIfAbsent(EventLoop.class, k -> newLoop(context), EventLoop.class);
    }

    private static EventLoop newLoop(ExtensionContext context) {
        AsyncioTest config = context.getRequiredTestMethod().getAnnotation(AsyncioTest.class);
        boolean real = config != null && config.realClock();
        boolean debug = config != null && config.debug();
        return new EventLoop(RunOptions.defaults().withVirtualClock(!real).debug(debug));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EventLoop.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return loopFor(context);
    }
}
