package io.netpilot.desktop;

import java.awt.EventQueue;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Small EDT helpers. */
final class Swing {
    private Swing() {}

    /** Asks a yes/no question on the EDT from a worker thread and waits for the answer. */
    static boolean askOnEdt(BooleanSupplier question) {
        if (EventQueue.isDispatchThread()) {
            return question.getAsBoolean();
        }
        AtomicBoolean answer = new AtomicBoolean();
        try {
            EventQueue.invokeAndWait(() -> answer.set(question.getAsBoolean()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
        return answer.get();
    }

    /** Runs {@code r} on the EDT (now when already there). */
    static void onEdt(Runnable r) {
        if (EventQueue.isDispatchThread()) {
            r.run();
        } else {
            EventQueue.invokeLater(r);
        }
    }
}
