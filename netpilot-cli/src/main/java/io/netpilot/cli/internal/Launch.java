package io.netpilot.cli.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How this JVM was started, so a background agent starts the same way. Stateless. */
final class Launch {
    /**
     * The installed launcher names its install dir as {@code /proc/self/fd/7} (so the class cache made at
     * build time matches wherever it is unpacked); a child process has no such descriptor, so it gets the
     * real path.
     */
    private static final Pattern FD_PATH = Pattern.compile("/proc/self/fd/\\d+");

    private Launch() {}

    /** The JVM options and the module path / main module of this process, without the program arguments. */
    static List<String> jvmArguments() {
        List<String> args = new ArrayList<>();
        ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(a -> args.add(withRealPaths(a)));
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null) {
            args.addAll(List.of("-p", withRealPaths(modulePath), "-m", "io.netpilot.cli/io.netpilot.cli.Main"));
        } else {
            args.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.netpilot.cli.Main"));
        }
        return args;
    }

    static String withRealPaths(String arg) {
        Matcher m = FD_PATH.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String real;
            try {
                real = Path.of(m.group()).toRealPath().toString();
            } catch (IOException e) {
                real = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(real));
        }
        return m.appendTail(out).toString();
    }
}
