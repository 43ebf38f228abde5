package io.netpilot.core;

import java.time.Duration;

/** Child process of {@link NetworkWatcherNamespaceTest}: prints "ready", then "changed" on each change. */
public final class NetworkWatchMain {
    private NetworkWatchMain() {}

    public static void main(String[] args) throws InterruptedException {
        NetworkWatcher watcher = NetworkWatcher.start(Duration.ofMillis(100), () -> {
            System.out.println("changed " + NetworkWatcher.currentNetwork());
            System.out.flush();
        });
        System.out.println("ready " + NetworkWatcher.currentNetwork());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(2));
        watcher.close();
    }
}
