package io.netpilot.core.archfixture;

/** A deliberate violation: core code writing to the console. Only the architecture test imports it. */
public final class PrintsToStdout {
    private PrintsToStdout() {}

    static void report() {
        System.out.println("core must log through SLF4J instead");
    }
}
