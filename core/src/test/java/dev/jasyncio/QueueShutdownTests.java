package dev.jasyncio;

/** CPython's test_queues.QueueShutdownTests. */
class QueueShutdownTests extends QueueShutdownTestMixin {
    @Override
    <T> Queue<T> newQueue(int maxsize) {
        return new Queue<>(maxsize);
    }
}
