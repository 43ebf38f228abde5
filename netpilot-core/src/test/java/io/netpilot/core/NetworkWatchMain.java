package io.netpilot.core;

import java.io.IOException;
import java.time.Duration;

/**
 * Child process of {@link NetworkWatcherNamespaceTest}: prints "ready", then "changed" on each change,
 * until its standard input closes (the test ends it, or the test's JVM goes away).
 */
public final class NetworkWatchMain {
    private NetworkWatchMain() {}

    public static void main(String[] args) throws IOException {
        NetworkWatcher watcher = NetworkWatcher.start(Duration.ofMillis(100), () -> {
            System.out.println("changed " + NetworkWatcher.currentNetwork());
            System.out.flush();
        });
        System.out.println("ready " + NetworkWatcher.currentNetwork());
        System.out.flush();
        while (System.in.read() >= 0) {
            // keep watching until the parent closes our stdin
        }
        watcher.close();
    }
}
