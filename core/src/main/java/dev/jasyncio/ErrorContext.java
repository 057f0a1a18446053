package dev.jasyncio;

/**
 * What the loop tells its exception handler about an error nobody else could handle: asyncio's
 * context dict. Fields that do not apply are null.
 */
public record ErrorContext(String message, Throwable exception, Future<?> future, Task<?> task,
                           Handle handle, Object protocol, Object transport) {

    public static ErrorContext of(String message, Throwable exception) {
        return new ErrorContext(message, exception, null, null, null, null, null);
    }

    public static ErrorContext ofFuture(String message, Throwable exception, Future<?> future) {
        return new ErrorContext(message, exception, future, future instanceof Task<?> t ? t : null, null, null, null);
    }

    public static ErrorContext ofHandle(String message, Throwable exception, Handle handle) {
        return new ErrorContext(message, exception, null, null, handle, null, null);
    }
}
