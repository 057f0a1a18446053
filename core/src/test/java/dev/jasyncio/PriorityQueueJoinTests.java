package dev.jasyncio;

/** CPython's test_queues.PriorityQueueJoinTests. */
class PriorityQueueJoinTests extends QueueJoinTestMixin {
    @Override
    <T> Queue<T> newQueue() {
        return new PriorityQueue<>();
    }
}
