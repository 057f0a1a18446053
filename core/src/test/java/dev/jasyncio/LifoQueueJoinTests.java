package dev.jasyncio;

/** CPython's test_queues.LifoQueueJoinTests. */
class LifoQueueJoinTests extends QueueJoinTestMixin {
    @Override
    <T> Queue<T> newQueue() {
        return new LifoQueue<>();
    }
}
