package io.netpilot.cli.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** How this JVM was started, so a background agent starts the same way. Stateless. */
final class Launch {
    private Launch() {}

    /** The JVM options and the module path / main module of this process, without the program arguments. */
    static List<String> jvmArguments() {
        List<String> args = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null) {
            args.addAll(List.of("-p", modulePath, "-m", "io.netpilot.cli/io.netpilot.cli.Main"));
        } else {
            args.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.netpilot.cli.Main"));
        }
        return args;
    }
}
