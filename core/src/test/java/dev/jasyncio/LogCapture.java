package dev.jasyncio;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what jasyncio logs through System.Logger "dev.jasyncio" (backed by java.util.logging
 * in tests). Use with try-with-resources.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.jasyncio");
    private final boolean parentHandlers;
    final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        parentHandlers = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false); // keep expected errors out of the test output
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    synchronized List<String> messages(Level level) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) if (r.getLevel().equals(level)) out.add(r.getMessage());
        return out;
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parentHandlers);
    }
}
