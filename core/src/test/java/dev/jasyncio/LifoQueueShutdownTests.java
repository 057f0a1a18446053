package dev.jasyncio;

/** CPython's test_queues.LifoQueueShutdownTests. */
class LifoQueueShutdownTests extends QueueShutdownTestMixin {
    @Override
    <T> Queue<T> newQueue(int maxsize) {
        return new LifoQueue<>(maxsize);
    }
}
