package dev.jasyncio;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.jasyncio.internal.Throwables;

/**
 * asyncio's {@code TaskGroup}: tasks created through it are awaited before the group's body
 * returns. The first child to fail cancels the other children and the body (once); the caller
 * then gets an {@link ExceptionGroup} of the real errors — never a CancelledError among them. A
 * cancellation of the host task from outside propagates as CancelledError and is never swallowed.
 * Used through {@link Asyncio#taskGroup}.
 */
public final class TaskGroup {
    private boolean entered;
    private boolean exiting;
    private boolean aborting;
    private EventLoop loop;
    private Task<?> parentTask;
    private boolean parentCancelRequested;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    private Future<Boolean> onCompleted;

    TaskGroup() {}

    /** Runs {@code body} as the group's body, then waits for every child. */
    static <T> T run(TaskGroupBody<T> body) throws Exception {
        TaskGroup tg = new TaskGroup();
        tg.enter();
        T result = null;
        Throwable failure = null;
        try {
            result = body.run(tg);
        } catch (Throwable e) {
            failure = e;
        }
        tg.exit(failure);
        return result;
    }

    public <T> Task<T> createTask(Awaitable<T> coro) {
        return createTask(coro, null);
    }

    public <T> Task<T> createTask(Awaitable<T> coro, String name) {
        checkAccepting();
        return adopt(loop.createTask(coro, name));
    }

    public Task<Void> createTask(AsyncRunnable coro) {
        return createTask(coro, null);
    }

    public Task<Void> createTask(AsyncRunnable coro, String name) {
        checkAccepting();
        return adopt(loop.createTask(coro, name));
    }

    private void checkAccepting() {
        if (!entered) throw new IllegalStateException("TaskGroup " + this + " has not been entered");
        if (exiting && tasks.isEmpty()) throw new IllegalStateException("TaskGroup " + this + " is finished");
        if (aborting) throw new IllegalStateException("TaskGroup " + this + " is shutting down");
    }

    private <T> Task<T> adopt(Task<T> task) {
        tasks.add(task);
        task.addDoneCallback(this::onTaskDone);
        return task;
    }

    void enter() {
        if (entered) throw new IllegalStateException("TaskGroup " + this + " has already been entered");
        Task<?> current = Task.current();
        if (current == null) throw new IllegalStateException("TaskGroup " + this + " cannot determine the parent task");
        loop = current.loop;
        parentTask = current;
        entered = true;
    }

    /** The end of the body ({@code exc}: how it ended, or null): wait for the children, then report. */
    void exit(Throwable exc) {
        exiting = true;
        if (exc != null && isBaseError(exc) && baseError == null) baseError = exc;
        CancelledError propagateCancel = exc instanceof CancelledError ce ? ce : null;
        if (exc != null && !aborting) abort();

        while (!tasks.isEmpty()) {
            if (onCompleted == null) onCompleted = loop.createFuture();
            try {
                parentTask.suspendOn(onCompleted);
            } catch (CancelledError ce) {
                if (!aborting) {
                    propagateCancel = ce;
                    abort();
                }
            }
            onCompleted = null;
        }

        if (baseError != null) throw Throwables.sneaky(baseError);
        if (parentCancelRequested && parentTask.uncancel() == 0) propagateCancel = null;
        if (propagateCancel != null && errors.isEmpty()) throw propagateCancel;
        if (exc != null && !(exc instanceof CancelledError)) errors.add(exc);
        if (!errors.isEmpty()) {
            if (parentTask.cancelling() > 0) {
                // an outside cancel arrived too: keep it pending for the host's next await
                parentTask.uncancel();
                parentTask.cancel();
            }
            ExceptionGroup group = new ExceptionGroup("unhandled errors in a TaskGroup", errors);
            if (propagateCancel != null) group.initCause(propagateCancel);
            errors = null;
            throw group;
        }
    }

    /** Errors that end a group at once, bare, like Python's KeyboardInterrupt and SystemExit. */
    private static boolean isBaseError(Throwable e) {
        return e instanceof VirtualMachineError;
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : tasks) {
            if (!t.done()) t.cancel();
        }
    }

    private void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (onCompleted != null && tasks.isEmpty() && !onCompleted.done()) onCompleted.setResult(true);
        if (task.cancelled()) return;
        Throwable exc = task.exception();
        if (exc == null) return;
        errors.add(exc);
        if (isBaseError(exc) && baseError == null) baseError = exc;
        if (parentTask.done()) {
            loop.callExceptionHandler(new ErrorContext("Task " + task + " has errored out but its parent task "
                    + parentTask + " is already completed", exc, task, (Task<?>) task, null, null, null));
            return;
        }
        if (!aborting && !parentCancelRequested) {
            abort();
            parentCancelRequested = true;
            parentTask.cancel();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<TaskGroup");
        if (!tasks.isEmpty()) sb.append(" tasks=").append(tasks.size());
        if (errors != null && !errors.isEmpty()) sb.append(" errors=").append(errors.size());
        if (aborting) sb.append(" cancelling");
        else if (entered) sb.append(" entered");
        return sb.append('>').toString();
    }
}
