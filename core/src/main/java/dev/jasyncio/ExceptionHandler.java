package dev.jasyncio;

/** Receives the errors a loop cannot hand to anyone else; see {@link EventLoop#setExceptionHandler}. */
@FunctionalInterface
public interface ExceptionHandler {
    void handle(EventLoop loop, ErrorContext context);
}
