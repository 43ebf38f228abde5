package io.netpilot.desktop;

import com.google.inject.Guice;
import com.google.inject.Injector;

/**
 * Starts the desktop app: {@code bin/netpilot-desktop}, the jpackage image, and {@code ./netpilot desktop}
 * from the repo. The home is {@code $NETPILOT_HOME}, else {@code ~/.netpilot}; {@code --home DIR} overrides.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Before Guice loads: NetPilot needs no method interception, and JDK 23+ would warn about Unsafe.
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        Injector injector = Guice.createInjector(new DesktopModule(DesktopModule.homeFrom(args)));
        injector.getInstance(DesktopApp.class).start();
    }
}
