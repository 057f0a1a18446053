package dev.jasyncio;

/** CPython's test_queues.QueueJoinTests. */
class QueueJoinTests extends QueueJoinTestMixin {
    @Override
    <T> Queue<T> newQueue() {
        return new Queue<>();
    }
}
