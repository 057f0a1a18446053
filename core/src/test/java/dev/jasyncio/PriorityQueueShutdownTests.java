package dev.jasyncio;

/** CPython's test_queues.PriorityQueueShutdownTests. */
class PriorityQueueShutdownTests extends QueueShutdownTestMixin {
    @Override
    <T> Queue<T> newQueue(int maxsize) {
        return new PriorityQueue<>(maxsize);
    }
}
