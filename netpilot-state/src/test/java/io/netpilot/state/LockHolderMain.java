package io.netpilot.state;

import io.netpilot.core.AgentAlreadyRunningException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link AgentLockTest}: takes the agent lock of {@code args[0]} and prints
 * {@code LOCKED <pid>}, or prints {@code REFUSED <owner pid>} and exits 3. With {@code hold}, it
 * keeps the lock until it reads {@code release} (then prints {@code RELEASED}) and exits at the end of stdin.
 */
public final class LockHolderMain {
    private LockHolderMain() {}

    public static void main(String[] args) throws IOException {
        NetPilotHome home = NetPilotHome.at(Path.of(args[0]));
        boolean hold = args.length > 1 && args[1].equals("hold");
        AgentLock lock;
        try {
            lock = AgentLock.acquire(home);
        } catch (AgentAlreadyRunningException e) {
            System.out.println("REFUSED " + e.ownerPid());
            System.out.flush();
            System.exit(3);
            return;
        }
        System.out.println("LOCKED " + lock.pid());
        System.out.flush();
        if (!hold) {
            lock.close();
            return;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.equals("release")) {
                lock.close();
                System.out.println("RELEASED");
                System.out.flush();
            }
        }
        lock.close();
    }
}
