package io.netpilot.core.internal.archfixture;

/** Fixture: an implementation class inside core's internal packages. */
public final class CoreImplementation {
    public static int answer() {
        return 42;
    }
}
