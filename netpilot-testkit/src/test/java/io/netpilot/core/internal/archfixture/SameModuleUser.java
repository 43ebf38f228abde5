package io.netpilot.core.internal.archfixture;

/** Fixture: core using its own internals, which is allowed. */
public final class SameModuleUser {
    public static int use() {
        return CoreImplementation.answer();
    }
}
