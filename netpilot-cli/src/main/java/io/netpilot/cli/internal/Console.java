package io.netpilot.cli.internal;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * The CLI's only way to the terminal: results to stdout, progress and errors to stderr. Colour and
 * in-place progress only when stderr is a terminal (and {@code NO_COLOR} is unset); plain lines
 * otherwise, so scripts and logs read clean. Thread-safe.
 */
public final class Console {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean colour;

    public Console(PrintWriter out, PrintWriter err, boolean colour) {
        this.out = out;
        this.err = err;
        this.colour = colour;
    }

    /** A console on the process's stdout/stderr, colour decided from the environment. */
    public static Console system() {
        boolean tty = System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
        return new Console(new PrintWriter(System.out, true), new PrintWriter(System.err, true), tty);
    }

    public PrintWriter out() {
        return out;
    }

    public synchronized void println(String line) {
        out.println(line);
        out.flush();
    }

    /** One line of error, prefixed so it stands out in a log. */
    public synchronized void error(String message) {
        err.println(paint("31", "netpilot: ") + message);
        err.flush();
    }

    public synchronized void warn(String message) {
        err.println(paint("33", "warning: ") + message);
        err.flush();
    }

    /** A step of something slow: printed at start and at end with its duration. */
    public Step step(String what) {
        synchronized (this) {
            err.println(paint("36", "... ") + what);
            err.flush();
        }
        return new Step(what, Instant.now());
    }

    /** Paints {@code text} with an ANSI SGR code when colour is on. */
    public String paint(String sgr, String text) {
        return colour ? "\u001b[" + sgr + "m" + text + "\u001b[0m" : text;
    }

    /** A running step; {@link #done()} or {@link #failed(String)} closes it. */
    public final class Step {
        private final String what;
        private final Instant started;

        private Step(String what, Instant started) {
            this.what = what;
            this.started = started;
        }

        public void done() {
            done("");
        }

        public void done(String detail) {
            long ms = Duration.between(started, Instant.now()).toMillis();
            synchronized (Console.this) {
                err.println(paint("32", " ok ") + what + (detail.isEmpty() ? "" : ": " + detail) + " (" + ms + " ms)");
                err.flush();
            }
        }

        public void failed(String why) {
            synchronized (Console.this) {
                err.println(paint("31", "FAIL ") + what + ": " + why);
                err.flush();
            }
        }
    }
}
